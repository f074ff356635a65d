"""Lesson 07's self-conditioned DCGAN (course_utils/self_conditioned_gan.py): k-means, the cluster choice, the model."""
import json

import keras
import numpy as np
import pytest
from statistics import NormalDist

from course_utils import checkpoints, datasets, recipes, self_conditioned_gan as scgan

TINY = {"latent_dim": 8, "embedding_dim": 4, "g_width": 4, "d_width": 4, "n_classes": 3}


def separate_groups(n=300, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = rng.integers(0, 3, n)
    return (centres[truth] + rng.normal(0, 0.5, (n, 2))).reshape(n, 1, 2, 1), truth


def test_kmeans_finds_separate_groups_whatever_their_numbers():
    points, truth = separate_groups()
    found = scgan.kmeans_clusters(points, 3)
    assert found.dtype == np.int32 and found.shape == (300,)
    assert sorted(np.bincount(found, minlength=3)) == sorted(np.bincount(truth, minlength=3))
    for group in range(3):
        assert len(set(found[truth == group])) == 1   # each group is one cluster
    assert np.array_equal(found, scgan.kmeans_clusters(points, 3))   # deterministic


def test_kmeans_moves_centres_to_their_means():
    # two groups on a line; a k-means that never moved its starting centres would split them at a random point
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0]).reshape(6, 1)
    found = scgan.kmeans_clusters(x, 2, seed=3)
    assert len(set(found[:3])) == 1 and len(set(found[3:])) == 1 and found[0] != found[3]


def test_kmeans_refuses_bad_input():
    points, _ = separate_groups(10)
    with pytest.raises(ValueError, match="k must be between 1 and the number of images"):
        scgan.kmeans_clusters(points[:2], 3)
    with pytest.raises(ValueError, match="array of images"):
        scgan.kmeans_clusters(np.zeros(5), 2)


def test_the_last_noise_coordinate_picks_each_cluster_as_often_as_its_share():
    choice = scgan.ClusterChoice(3)
    choice.shares.assign([0.2, 0.5, 0.3])
    z = np.random.default_rng(0).standard_normal((20_000, 5)).astype(np.float32)
    rest, cluster = choice(z)
    assert np.array_equal(np.asarray(rest), z[:, :4])
    shares = np.bincount(np.asarray(cluster), minlength=3) / len(z)
    np.testing.assert_allclose(shares, [0.2, 0.5, 0.3], atol=0.015)
    # the pick is a step function of z_last at the normal quantiles of the shares' running sums
    edges = [NormalDist().inv_cdf(p) for p in (0.2, 0.7)]
    z_edge = np.zeros((4, 5), np.float32)
    z_edge[:, -1] = [edges[0] - 1e-3, edges[0] + 1e-3, edges[1] - 1e-3, edges[1] + 1e-3]
    assert np.asarray(choice(z_edge)[1]).tolist() == [0, 1, 1, 2]


def tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    return scgan.build_lesson_07_self_conditioned_dcgan(TINY)


def test_training_counts_the_clusters_and_the_sampler_draws_them_by_share():
    model = tiny_model()
    np.testing.assert_allclose(model.cluster_shares, [1 / 3] * 3, atol=1e-6)   # before training: all alike
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    clusters = np.array([0] * 32 + [1] * 24 + [2] * 8, np.int32)
    model.fit(datasets.make_dataset(images, clusters, batch_size=16, seed=0), epochs=2, verbose=0)
    np.testing.assert_allclose(model.cluster_shares, [0.5, 0.375, 0.125], atol=1e-6)
    samples = model.generate(5, seed=1)
    assert samples.shape == (5, 28, 28, 1) and np.abs(samples).max() <= 1.0
    assert np.array_equal(samples, model.generate(5, seed=1))
    assert model.sampler.inputs[0].shape[-1] == TINY["latent_dim"] + 1 == model.noise_dim
    # the unconditional sampler is the conditional one behind the cluster choice
    z = np.random.default_rng(2).standard_normal((6, model.noise_dim)).astype(np.float32)
    picked = np.asarray(model.sampler.get_layer("cluster_choice")(z)[1])
    np.testing.assert_allclose(model.sampler(z).numpy(),
                               model.generate_clusters(picked, noise=z[:, :-1]), atol=1e-6)


def test_the_saved_sampler_keeps_its_shares(tmp_path):
    model = tiny_model()
    model.sampler.get_layer("cluster_choice").shares.assign([0.7, 0.2, 0.1])
    path = tmp_path / "sampler.keras"
    checkpoints.as_float16(model.sampler).save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(reloaded.get_layer("cluster_choice").shares.numpy(), [0.7, 0.2, 0.1], atol=1e-3)
    fresh = tiny_model(seed=1)
    fresh.sampler.set_weights([np.asarray(w, np.float32) for w in reloaded.get_weights()])
    np.testing.assert_allclose(fresh.cluster_shares, [0.7, 0.2, 0.1], atol=1e-3)


def test_the_recipe_trains_on_its_own_clusters_not_the_labels():
    recipe = recipes.LESSON_07_SELF_CONDITIONED.variant("tiny", None, settings=TINY)
    points, truth = separate_groups(90)
    images = np.repeat(np.repeat(points.reshape(90, 1, 2, 1), 14, axis=1), 14, axis=2)   # 14x28 stripes: any shape
    _, clusters = recipe.training_data(((images - images.min()) / np.ptp(images) * 255).astype(np.uint8),
                                       labels=np.full(90, 9))
    assert clusters.max() < 3 and len(set(clusters)) == 3   # the labeller's clusters, not the 9s given
    for group in range(3):
        assert len(set(clusters[truth == group])) == 1


def test_the_headline_recipe_is_lesson_09s_cgan_with_clusters_and_a_weight_average():
    settings = recipes.LESSON_07_SELF_CONDITIONED.settings
    assert settings["n_classes"] == 100 and settings["ema_decay"] == 0.999
    assert {k: v for k, v in settings.items() if k not in ("n_classes", "ema_decay")} == \
        {k: v for k, v in recipes.LESSON_09.settings.items() if k not in ("n_classes", "ema_decay")}
    assert json.loads(json.dumps(recipes.LESSON_07_SELF_CONDITIONED.checkpoint_settings("mnist")))["n_classes"] == 100
