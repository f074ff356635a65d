"""Checks for the exercises of lesson 07 (DCGAN): up-sampling layers, updates per second against batch size,
one-sided label smoothing, the two-player train_step written by the learner, the R1 penalty computed by hand, and the
self-conditioned generator's cluster pick from the last noise coordinate."""
from __future__ import annotations

import math

import numpy as np

from .feedback import close_to, correct, not_answered, wrong
from .feedback import as_scalar as _scalar


def check_1(layers_needed) -> bool:
    """Exercise 1: the number of stride-2 transposed convolutions from 4x4 to 64x64."""
    if layers_needed is None:
        return not_answered("set layers_needed to the number of stride-2 layers that take 4x4 to 64x64.")
    value = _scalar(layers_needed)
    if value is None:
        return wrong(f"layers_needed is one whole number, got {layers_needed!r:.60}.")
    if value == 16:
        return wrong("16 = 64 / 4 is the total scale factor. Each stride-2 layer doubles the size, so you need the n with "
                     "2^n = 16.")
    if value == 60:
        return wrong("the sizes multiply, they do not add: each stride-2 layer doubles the size.")
    if value == 3:
        return wrong("three doublings give 4 -> 8 -> 16 -> 32: one short of 64.")
    if value == 5:
        return wrong("five doublings give 4 -> 8 -> 16 -> 32 -> 64 -> 128: one too many (count the layers, not the sizes).")
    if value == 6:
        return wrong("64 = 2^6, but the generator starts from 4 = 2^2, not from 1: you need 2^n = 64 / 4.")
    if value != 4:
        return wrong("solve 4 * 2^n = 64 for n: np.log2(64 / 4).")
    return correct("4 layers: 4 -> 8 -> 16 -> 32 -> 64, as in the DCGAN paper's generator.")


def check_2(tutorial_updates, mnist_steps, batch_size=64) -> bool:
    """Exercise 2: updates at batch 256 in the time the lesson's run made ``mnist_steps`` updates at ``batch_size``,
    if a step's cost is proportional to its batch."""
    if tutorial_updates is None:
        return not_answered("set tutorial_updates from mnist_steps (the updates our run made at batch 64).")
    value = _scalar(tutorial_updates)
    if value is None:
        return wrong(f"tutorial_updates is one number, got {tutorial_updates!r:.60}.")
    expected = mnist_steps * batch_size / 256
    if abs(value - expected) <= 1:
        return correct(f"about {int(expected)} updates instead of {mnist_steps}: a batch 4 times larger costs 4 times as much "
                       "per step, so in the same time the tutorial's generator is updated 4 times less often.")
    if value == mnist_steps:
        return wrong("the same number of updates would take 4 times as long: each step at batch 256 costs about 4 times "
                     f"as much as a step at batch {batch_size}.")
    if abs(value - mnist_steps * 256 / batch_size) <= 1:
        return wrong("a larger batch makes each step dearer, so there are FEWER updates in the same time: multiply by "
                     f"{batch_size} / 256, not 256 / {batch_size}.")
    if abs(value - mnist_steps / 256) <= 1 or abs(value - mnist_steps / 4 / 256) <= 1:
        return wrong(f"the time went into mnist_steps * {batch_size} images; at 256 images per step that is "
                     f"mnist_steps * {batch_size} / 256 steps.")
    return wrong(f"got {value:g}. The run processed mnist_steps * {batch_size} images; at 256 images per step, how many "
                 "steps is that?")


def check_3(loss_hard, loss_smooth) -> bool:
    """Exercise 3: the binary cross-entropy of D = 0.99 on a real image against target 1 and against target 0.9."""
    if loss_hard is None or loss_smooth is None:
        return not_answered("set loss_hard and loss_smooth with keras.losses.BinaryCrossentropy, targets 1 and 0.9.")
    hard, smooth = _scalar(loss_hard), _scalar(loss_smooth)
    if hard is None or smooth is None:
        return wrong("loss_hard and loss_smooth are numbers, e.g. float(bce([[1.0]], [[0.99]])).")
    expected_hard = -math.log(0.99)
    expected_smooth = -(0.9 * math.log(0.99) + 0.1 * math.log(0.01))
    swapped_smooth = -(0.99 * math.log(0.9) + 0.01 * math.log(0.1))
    tolerance = dict(rtol=1e-3, atol=1e-5)   # Keras computes in float32 and clips D to [1e-7, 1 - 1e-7]
    if close_to(smooth, swapped_smooth, **tolerance) or (hard > 0.1 and close_to(smooth, swapped_smooth, rtol=0.05)):
        return wrong("you swapped the arguments: Keras losses take (target, prediction), so the smoothed loss is "
                     "bce([[0.9]], [[0.99]]).")
    if hard > 0.1:
        return wrong(f"loss_hard = {hard:.3f} is too large for a confident, correct D = 0.99: it should be -log 0.99. Keras "
                     "losses take (target, prediction): bce([[1.0]], [[0.99]]).")
    if close_to(smooth, -0.9 * math.log(0.99), **tolerance):
        return wrong("a target of 0.9 puts weight 0.1 on 'fake' too: the loss is -[0.9 log D + 0.1 log(1 - D)], and the "
                     "second term is large at D = 0.99.")
    if close_to(hard, -math.log10(0.99), **tolerance) or close_to(smooth, expected_smooth / math.log(10), **tolerance):
        return wrong("cross-entropies use the natural logarithm.")
    if not close_to(hard, expected_hard, **tolerance):
        return wrong(f"loss_hard should be -log 0.99 = {expected_hard:.4f}; got {hard:.4f}.")
    if not close_to(smooth, expected_smooth, **tolerance):
        return wrong(f"loss_smooth should be -[0.9 log 0.99 + 0.1 log 0.01]; got {smooth:.4f}.")
    return correct(f"target 1: {hard:.3f}, target 0.9: {smooth:.3f}. The hard target keeps pushing D towards 1; the smoothed "
                   "one is minimised at D = 0.9, so it pulls an over-confident D = 0.99 back down.")


# --------------------------------------------------------------------------------------------------------
# Exercise 4: the two-player train_step, written by the learner
# --------------------------------------------------------------------------------------------------------
def _tiny_pair():
    """A generator (4 -> 6) and a discriminator (6 -> 1 logit), small enough to compare weights after a step."""
    import keras

    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(6, activation="tanh")], name="tiny_generator")
    discriminator = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
                                      keras.layers.Dense(1)], name="tiny_discriminator")
    return generator, discriminator


def _after_steps(model_class, steps: int = 2):
    """Weights of both networks and the logs after ``steps`` train_step calls on a fixed batch (same seeds every time)."""
    import keras
    import tensorflow as tf

    generator, discriminator = _tiny_pair()
    model = model_class(generator, discriminator, seed=3)
    model.compile(keras.optimizers.Adam(1e-2, beta_1=0.5), keras.optimizers.Adam(1e-2, beta_1=0.5), label_smoothing=0.1)
    real = tf.constant(np.random.default_rng(1).uniform(-1, 1, (16, 6)).astype(np.float32))
    logs = None
    for _ in range(steps):
        logs = model.train_step(real)
    return ([w.numpy() for w in generator.weights], [w.numpy() for w in discriminator.weights], logs)


def _step_with(model, data, same_noise=False, generator_first=False, generator_moves_both=False, swap_logits=False):
    """The two-player update with one typical mistake switched on (all off: the course's step)."""
    import tensorflow as tf

    real = tf.convert_to_tensor(data, tf.float32)
    noise = model.noise(tf.shape(real)[0])
    logs = {}

    def discriminator_update():
        with tf.GradientTape() as tape:
            fake = model.generator(noise, training=True)
            real_logits, fake_logits = model.discriminator(real, training=True), model.discriminator(fake, training=True)
            if swap_logits:
                real_logits, fake_logits = fake_logits, real_logits
            d_loss, d_logs = model.discriminator_loss(real_logits, fake_logits, real, fake, None)
        grads = tape.gradient(d_loss, model.discriminator.trainable_variables)
        model.d_optimizer.apply_gradients(zip(grads, model.discriminator.trainable_variables))
        logs.update(d_logs)

    def generator_update():
        variables = model.generator.trainable_variables
        if generator_moves_both:
            variables = variables + model.discriminator.trainable_variables
        g_noise = noise if same_noise else model.noise(tf.shape(real)[0])
        with tf.GradientTape() as tape:
            g_loss = model.generator_loss(model.discriminator(model.generator(g_noise, training=True), training=True))
        model.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        logs["g_loss"] = g_loss

    for update in ((generator_update, discriminator_update) if generator_first else (discriminator_update, generator_update)):
        update()
    g_loss = logs.pop("g_loss")
    return model.record(g_loss=g_loss, **logs)


def _mistakes():
    """The typical wrong train_steps, as subclasses of the reference, each with its hint."""
    from course_utils import gan

    def variant(name, **mistake):
        return type(name, (gan.NonSaturatingGAN,), {"train_step": lambda self, data: _step_with(self, data, **mistake)})

    return [
        (variant("SameNoise", same_noise=True),
         "the generator's update must draw fresh noise (self.noise(batch_size) again): reusing the "
         "discriminator's batch trains the generator on the very samples D was just fitted to."),
        (variant("GeneratorFirst", generator_first=True),
         "the order is the discriminator first, then the generator: the generator learns from the "
         "discriminator that has just seen its latest samples."),
        (variant("GeneratorStepMovesBoth", generator_moves_both=True),
         "the generator's gradients must be applied to self.generator.trainable_variables only: "
         "yours also moved the discriminator, which then learns to be fooled."),
        (variant("FakesLabelledReal", swap_logits=True),
         "the discriminator_loss takes the real images' logits first, the generated ones second: "
         "yours teaches D to call the fakes real."),
    ]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(np.allclose(x, y, atol=1e-6) for x, y in zip(a, b))


def check_4(model_class) -> bool:
    """Exercise 4: a NonSaturatingGAN subclass whose own ``train_step`` makes the two-player update.

    Run for two steps on tiny networks with fixed seeds, its weights must match the course's ``TwoPlayerGAN.train_step``;
    the typical mistakes are recognised by running each one."""
    if model_class is None:
        return not_answered("define class MyDCGAN(gan.NonSaturatingGAN) with your train_step(self, data).")
    from course_utils import gan

    if not (isinstance(model_class, type) and issubclass(model_class, gan.NonSaturatingGAN)):
        return wrong("the answer is a class, MyDCGAN, a subclass of gan.NonSaturatingGAN (so it has the losses).")
    if model_class.train_step is gan.TwoPlayerGAN.train_step:
        return wrong("MyDCGAN must define its own train_step; it is using the course's.")
    try:
        g_weights, d_weights, logs = _after_steps(model_class)
    except Exception as error:   # the learner's code raised: say what, do not crash the lesson
        return wrong(f"your train_step raised {type(error).__name__}: {str(error)[:200]}")
    if logs is None:
        return not_answered("complete train_step: the two updates, then return self.record(g_loss=g_loss, **logs).")
    if not isinstance(logs, dict) or not {"d_loss", "g_loss"} <= set(logs):
        return wrong("train_step returns the logs fit shows: self.record(g_loss=g_loss, **logs), where logs comes "
                     "from self.discriminator_loss(...).")
    ref_g, ref_d, _ = _after_steps(gan.NonSaturatingGAN)
    if _same(g_weights, ref_g) and _same(d_weights, ref_d):
        return correct("after two steps both networks hold exactly the weights the course's train_step gives them.")
    for mistake, hint in _mistakes():
        mistake_g, mistake_d, _ = _after_steps(mistake)
        if _same(g_weights, mistake_g) and _same(d_weights, mistake_d):
            return wrong(hint)
    one_g, one_d, _ = _after_steps(model_class, steps=1)
    ref_one_g, ref_one_d, _ = _after_steps(gan.NonSaturatingGAN, steps=1)
    if _same(one_d, ref_one_d):
        if _same(one_g, [w.numpy() for w in _tiny_pair()[0].weights]):
            return wrong("the discriminator's update is right, but the generator never moved: add its update, with "
                         "fresh noise, self.generator_loss and self.g_optimizer.")
        return wrong("the discriminator's update is right; the generator's is not: fresh noise, "
                     "self.generator_loss on the discriminator's logits for the new fakes, gradients of the generator only.")
    return wrong("compare with section 3: (1) fakes from self.noise(batch_size), the discriminator's loss on the real "
                 "and the fake logits, its gradients applied with self.d_optimizer; (2) fresh noise, the generator's "
                 "loss, its gradients applied with self.g_optimizer. Call the networks with training=True.")


# --------------------------------------------------------------------------------------------------------
# Exercise 5: the R1 penalty, computed by the learner
# --------------------------------------------------------------------------------------------------------
def _tiny_convolutional_discriminator():
    """A discriminator of 8x8 grey images (one stride-2 convolution, one logit) and a fixed batch of 8 of them."""
    import keras

    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, strides=2, padding="same"),
                                      keras.layers.LeakyReLU(0.2), keras.layers.Flatten(), keras.layers.Dense(1)],
                                     name="tiny_discriminator")
    images = np.random.default_rng(2).uniform(-1, 1, (8, 8, 8, 1)).astype(np.float32)
    return discriminator, images


def _r1_variants(discriminator, images) -> dict:
    """The right mean squared slope and the values of the typical mistakes, on ``images``."""
    import tensorflow as tf

    x = tf.constant(images)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        logits = discriminator(x, training=True)
        total, mean = tf.reduce_sum(logits), tf.reduce_mean(logits)
    slopes = tape.gradient(total, x).numpy().reshape(len(images), -1)
    slopes_of_mean = tape.gradient(mean, x).numpy().reshape(len(images), -1)
    squared = np.sum(slopes ** 2, axis=1)
    return {"right": float(np.mean(squared)), "not squared": float(np.mean(np.sqrt(squared))),
            "summed over the batch": float(np.sum(squared)), "gamma/2 included": float(0.5 * np.mean(squared)),
            "gradient of the mean": float(np.mean(np.sum(slopes_of_mean ** 2, axis=1))),
            "WGAN-GP's (norm - 1)^2": float(np.mean((np.sqrt(squared) - 1.0) ** 2))}


_R1_HINTS = {
    "not squared": "that is the mean gradient NORM: R1 penalises its square, sum(g ** 2) over each image's pixels.",
    "summed over the batch": "you summed the images' squared norms over the batch: R1 is their mean (the expectation "
                             "over real images), so the penalty does not grow with the batch size.",
    "gamma/2 included": "that is gamma / 2 times the answer with gamma = 1: return only E||grad_x D(x)||^2; the "
                        "training step multiplies it by gamma / 2.",
    "gradient of the mean": "you took the gradient of the MEAN of the logits, which divides each image's slope by the "
                            "batch size: take the gradient of their sum (each image's logit depends only on that image).",
    "WGAN-GP's (norm - 1)^2": "that is WGAN-GP's penalty, centred at slope 1 (lesson 08): R1 is centred at 0, "
                              "E||grad_x D(x)||^2.",
}


def check_5(r1_of) -> bool:
    """Exercise 5: ``r1_of(discriminator, images)`` returns ``E_x ||grad_x D(x)||^2`` over the batch ``images``
    (no gamma / 2): run on a tiny convolutional discriminator and compared with the right value and each typical
    mistake's."""
    if r1_of is None:
        return not_answered("define r1_of(discriminator, images) returning the mean squared gradient norm.")
    if not callable(r1_of):
        return wrong("r1_of is a function: def r1_of(discriminator, images): ... return the penalty.")
    discriminator, images = _tiny_convolutional_discriminator()
    try:
        answer = r1_of(discriminator, images)
    except Exception as error:   # the learner's code raised: say what, do not crash the lesson
        if "None" in str(error):   # tf.square(None) and friends: the tape gave no gradient
            return wrong(f"r1_of raised {type(error).__name__} on a None: the tape's gradient was None, because what "
                         "you differentiate was computed outside it. Compute the logits AND their sum inside the "
                         "`with tf.GradientTape() as tape:` block, after tape.watch(images).")
        return wrong(f"r1_of raised {type(error).__name__}: {str(error)[:200]}")
    if answer is None:
        return not_answered("complete r1_of: it returns None.")
    value = _scalar(answer)
    if value is None:
        return wrong(f"r1_of returns one number (a scalar tensor is fine), got shape {np.shape(answer)}: the mean over "
                     "the batch of each image's sum of squared slopes.")
    expected = _r1_variants(discriminator, images)
    if close_to(value, expected["right"], rtol=1e-4):
        return correct(f"E||grad_x D(x)||^2 = {value:.4g} on the check's 8 images, as gan.r1_penalty computes it.")
    for mistake, hint in _R1_HINTS.items():
        if close_to(value, expected[mistake], rtol=1e-4):
            return wrong(hint)
    return wrong(f"got {value:.4g}, expected {expected['right']:.4g}: watch the images on a tf.GradientTape, take the "
                 "gradient of the sum of D's logits with respect to the images, square it, sum over each image's pixels "
                 "and average over the batch.")


def _pick_variants(z_last, shares) -> dict:
    """The right cluster of each noise coordinate and what the typical mistakes give."""
    from statistics import NormalDist

    u = np.array([NormalDist().cdf(float(v)) for v in z_last])
    ends = np.cumsum(shares)[:-1] / np.sum(shares)
    return {"right": (u[:, None] > ends[None]).sum(1),
            "z itself, not Phi(z)": (np.asarray(z_last)[:, None] > ends[None]).sum(1),
            "shares, not their running sum": (u[:, None] > (np.asarray(shares)[:-1] / np.sum(shares))[None]).sum(1),
            "uniform clusters": np.minimum((u * len(shares)).astype(int), len(shares) - 1)}


_PICK_HINTS = {
    "z itself, not Phi(z)": "z_last is normal, not uniform on (0, 1): turn it into u = Phi(z_last) = (1 + erf(z / sqrt 2)) / 2 "
                            "first, or clusters whose stretch lies near 0 are drawn far too often.",
    "shares, not their running sum": "compare u with where each cluster's stretch ENDS: the running sum of the shares "
                                     "(np.cumsum), not the shares themselves.",
    "uniform clusters": "that draws every cluster equally often: the stretch of each cluster must be as long as its share.",
}


def check_6(pick_cluster) -> bool:
    """Exercise 6: ``pick_cluster(z_last, shares)`` returns, for each value of the noise's last coordinate, the
    cluster ``self_conditioned_gan.ClusterChoice`` picks: ``u = Phi(z_last)`` falls in cluster c's stretch of (0, 1)."""
    if pick_cluster is None:
        return not_answered("define pick_cluster(z_last, shares) returning one cluster number per value of z_last.")
    if not callable(pick_cluster):
        return wrong("pick_cluster is a function: def pick_cluster(z_last, shares): ... return the cluster numbers.")
    shares = np.array([0.1, 0.4, 0.2, 0.3])
    z_last = np.random.default_rng(7).standard_normal(200).astype(np.float32)
    try:
        answer = pick_cluster(z_last, shares)
    except Exception as error:   # the learner's code raised: say what, do not crash the lesson
        return wrong(f"pick_cluster raised {type(error).__name__}: {str(error)[:200]}")
    if answer is None:
        return not_answered("complete pick_cluster: it returns None.")
    answer = np.asarray(answer)
    if answer.shape != z_last.shape:
        return wrong(f"one cluster number per value of z_last: expected shape {z_last.shape}, got {answer.shape}.")
    expected = _pick_variants(z_last, shares)
    if np.array_equal(answer, expected["right"]):
        counts = np.bincount(answer.astype(int), minlength=len(shares)) / len(answer)
        return correct(f"the same clusters as ClusterChoice on 200 draws; drawn {np.round(counts, 2).tolist()} of the "
                       f"time for shares {shares.tolist()}.")
    for mistake, hint in _PICK_HINTS.items():
        if np.array_equal(answer, expected[mistake]):
            return wrong(hint)
    agree = np.mean(answer == expected["right"])
    return wrong(f"{agree:.0%} of the 200 picks agree with ClusterChoice. u = Phi(z_last) is uniform on (0, 1); the cluster "
                 "is how many of the running sums of the shares (all but the last) lie below u.")
