"""course_utils.restoration: the metrics against known values, the damage, and the latent search."""
import numpy as np
import pytest
import tensorflow as tf

from course_utils import metrics, restoration


def images(n=4, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28, 1)).astype(np.float32)


def test_psnr_of_identical_images_is_infinite_and_ssim_is_one():
    x = images()
    assert np.all(np.isinf(metrics.psnr(x, x)))
    np.testing.assert_allclose(metrics.ssim(x, x), 1.0, atol=1e-5)


def test_psnr_equals_the_analytic_value_for_a_known_error():
    x = np.full((2, 28, 28, 1), 0.5, np.float32)
    y = x + 0.1                                   # MSE = 0.01 exactly -> 10 log10(1 / 0.01) = 20 dB
    np.testing.assert_allclose(metrics.psnr(x, y), 20.0, atol=1e-3)
    rng = np.random.default_rng(1)
    noisy = x + rng.choice([-0.05, 0.05], size=x.shape).astype(np.float32)   # MSE = 0.0025 -> 26.02 dB
    np.testing.assert_allclose(metrics.psnr(x, noisy), 10 * np.log10(1 / 0.0025), atol=1e-3)


def test_ssim_falls_with_noise():
    x = images()
    clean = np.clip(x, 0, 1)
    light, heavy = (restoration.add_gaussian_noise(clean, s, seed=0) for s in (0.05, 0.4))
    assert np.all(metrics.ssim(clean, light) > metrics.ssim(clean, heavy))


def test_metrics_reject_bad_input():
    x = images()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.psnr(x * 2 - 1, x)
    with pytest.raises(ValueError, match="same shape"):
        metrics.psnr(x, x[:2])
    with pytest.raises(ValueError, match="11x11"):
        metrics.ssim(x[:, :8, :8], x[:, :8, :8])


def test_square_masks_cover_the_stated_region():
    centred = restoration.square_masks(3, 10)
    assert centred.shape == (3, 28, 28, 1)
    assert np.all(centred[:, 9:19, 9:19] == 0) and centred.sum() == 3 * (784 - 100)
    random = restoration.square_masks(50, 8, seed=0)
    assert np.all((784 - random.sum(axis=(1, 2, 3))) == 64)     # each hides exactly 8 x 8 pixels
    rows = np.flatnonzero((random[0, :, :, 0] == 0).any(axis=1))
    assert len(rows) == 8 and np.all(np.diff(rows) == 1)       # one contiguous square
    assert len({m.tobytes() for m in random}) > 10             # the seed places them differently
    np.testing.assert_array_equal(random, restoration.square_masks(50, 8, seed=0))
    with pytest.raises(ValueError, match="size"):
        restoration.square_masks(2, 28)


def test_apply_mask_and_composite():
    x, masks = images(), restoration.square_masks(4, 6)
    damaged = restoration.apply_mask(x, masks)
    assert np.all(damaged[masks == 0] == 0) and np.array_equal(damaged[masks == 1], x[masks == 1])
    filled = restoration.composite(damaged, np.ones_like(x), masks)
    assert np.all(filled[masks == 0] == 1) and np.array_equal(filled[masks == 1], x[masks == 1])
    with pytest.raises(ValueError, match="shape"):
        restoration.apply_mask(x, masks[:2])


def test_noise_has_the_stated_standard_deviation():
    x = np.full((20, 28, 28, 1), 0.5, np.float32)
    noisy = restoration.add_gaussian_noise(x, 0.1, seed=0)
    assert abs(np.std(noisy - x) - 0.1) < 0.005
    assert restoration.add_gaussian_noise(x + 0.5, 0.3, seed=0).max() <= 1.0
    with pytest.raises(ValueError, match="sigma"):
        restoration.add_gaussian_noise(x, -1.0)


def linear_generator(latent_dim=4, seed=0):
    weights = tf.constant(np.random.default_rng(seed).normal(0, 1, (latent_dim, 784)).astype(np.float32))
    return lambda z: tf.reshape(tf.sigmoid(tf.matmul(z, weights)), (-1, 28, 28, 1))


def test_latent_search_lowers_the_masked_loss_and_finds_the_code():
    generator = linear_generator()
    z_true = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    targets = generator(z_true).numpy()
    masks = restoration.square_masks(3, 12)
    result = restoration.latent_search(generator, targets, masks, z_init=np.zeros((3, 4), np.float32), steps=300,
                                       learning_rate=0.05, prior_weight=0.0)
    assert len(result["history"]) == 301 and result["history"][-1] < 0.01 * result["history"][0]
    np.testing.assert_allclose(result["z"], z_true, atol=0.05)
    # the missing pixels, never seen, come back because the code is right
    assert np.abs(result["images"] - targets)[masks == 0].max() < 0.02


def test_the_prior_pulls_codes_towards_zero():
    generator = linear_generator()
    targets = generator(np.full((2, 4), 2.0, np.float32)).numpy()
    kwargs = dict(z_init=np.zeros((2, 4), np.float32), steps=200, learning_rate=0.05, sigma=1.0)
    free = restoration.latent_search(generator, targets, prior_weight=0.0, **kwargs)
    pulled = restoration.latent_search(generator, targets, prior_weight=50.0, **kwargs)
    assert np.linalg.norm(pulled["z"]) < 0.8 * np.linalg.norm(free["z"])


def test_latent_search_rejects_bad_input():
    generator, targets = linear_generator(), images(2)
    with pytest.raises(ValueError, match="z_init"):
        restoration.latent_search(generator, targets)
    with pytest.raises(ValueError, match="z_init"):
        restoration.latent_search(generator, targets, z_init=np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        restoration.latent_search(generator, targets * 2 - 1, z_init=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="masks"):
        restoration.latent_search(generator, targets, masks=np.ones((2, 28, 28)), z_init=np.zeros((2, 4)))
