"""Checks for the exercises of lesson 07 (conditional GAN): the cost of rejection sampling, the channel-stacking
discriminator, and reading the per-class conditional accuracy."""
from __future__ import annotations

import numpy as np

from .feedback import correct, not_answered, wrong
from .feedback import as_scalar as _scalar


def check_1(draws_needed) -> bool:
    """Exercise 1: the mean, over 2,000 simulations, of the number of draws (10 equally likely classes) until 64
    sevens are kept. Its expectation is 64 x 10 = 640; the mean of 2,000 runs has a standard error of about 1.7."""
    if draws_needed is None:
        return not_answered("set draws_needed to the average number of draws needed to keep 64 sevens.")
    value = _scalar(draws_needed)
    if value is None:
        return wrong("draws_needed is one number: the mean over your 2,000 simulations.")
    if abs(value - 640) <= 15:
        return correct(f"{value:.0f} draws on average for 64 sevens (expected 640): unconditional sampling throws away nine "
                       "images in ten; a conditional GAN draws exactly 64.")
    if abs(value - 576) <= 15:
        return wrong("that counts only the images thrown away (the non-sevens); add the 64 sevens you kept: the number of "
                     "draws is sevens + failures.")
    if abs(value - 64) <= 2:
        return wrong("64 is what a conditional GAN needs. Without conditioning only one draw in ten is a seven.")
    if abs(value - 10) <= 1:
        return wrong("about 10 draws are needed for ONE seven; the exercise keeps 64 of them.")
    if abs(value - 6.4) <= 1:
        return wrong("64 / 10 divides by the number of classes; each seven costs about 10 draws, so multiply.")
    if value > 2000:
        return wrong("that looks like the total over all 2,000 simulations; take the mean per simulation.")
    return wrong(f"got {value:.0f}. Draw classes (rng.integers(10)) until 64 sevens have come out, count the draws, repeat "
                 "2,000 times and average (or: 64 + rng.negative_binomial(64, 0.1, size=2000)).")


def check_2(build_channel_discriminator) -> bool:
    """Exercise 2: ``build_channel_discriminator()`` returns a keras.Model [image (28, 28, 1), int label] -> one logit,
    with the label as a 28 x 28 embedding map stacked on the image, two stride-2 convolutions, Flatten, Dropout, Dense(1)."""
    if build_channel_discriminator is None:
        return not_answered("define build_channel_discriminator() returning a keras.Model.")
    import keras
    from keras import layers
    try:
        model = build_channel_discriminator()
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return wrong(f"build_channel_discriminator() raised {type(error).__name__}: {error}.")
    if model is None:
        return not_answered("build_channel_discriminator returns None: replace the `return None` with your model.")
    if not isinstance(model, keras.Model):
        return wrong(f"build_channel_discriminator() should return a keras.Model, got {type(model).__name__}.")
    if len(model.inputs) != 2:
        return wrong(f"the model has {len(model.inputs)} input(s); it takes two, [image, label]: "
                     "keras.Model([image, label], logit).")
    flatten = getattr(model, "_flatten_layers", None)       # nested models too, where Keras offers it
    all_layers = list(flatten(include_self=False)) if flatten else list(model.layers)
    embeddings = [layer for layer in all_layers if isinstance(layer, layers.Embedding)]
    if not embeddings:
        return wrong("no Embedding layer: the label (an integer) must become a learned 28 x 28 map, "
                     "layers.Embedding(10, 28 * 28) then layers.Reshape((28, 28, 1)).")
    if embeddings[0].output_dim != 28 * 28:
        return wrong(f"the Embedding has {embeddings[0].output_dim} numbers per class; it needs 28 * 28 = 784, one per pixel, "
                     "to be reshaped into a map as large as the image.")
    convolutions = [layer for layer in all_layers if isinstance(layer, layers.Conv2D)]
    if not convolutions:
        return wrong("no Conv2D layers: apply lesson 05's two stride-2 convolutions to the stacked (28, 28, 2) input.")
    if convolutions[0].kernel.shape[2] != 2:
        return wrong(f"the first convolution sees {convolutions[0].kernel.shape[2]} channel(s); the label map must be stacked "
                     "on the image as a SECOND CHANNEL: layers.Concatenate()([image, label_map]) gives (28, 28, 2).")
    if len(convolutions) != 2 or any(tuple(c.strides) != (2, 2) for c in convolutions):
        return wrong("use lesson 05's two stride-2 convolutions (28 -> 14 -> 7), Conv2D(..., strides=2, padding='same').")
    if not any(isinstance(layer, layers.Dropout) for layer in all_layers):
        return wrong("add layers.Dropout(0.2) before the final Dense(1), as in lesson 05's discriminator.")
    if tuple(model.output_shape) != (None, 1):
        return wrong(f"the output shape is {model.output_shape}; it should be (None, 1): one logit per image "
                     "(Flatten, then Dense(1)).")
    last = model.layers[-1]
    if getattr(last, "activation", None) is keras.activations.sigmoid:
        return wrong("the output goes through a sigmoid; the course's GANs output a logit and the loss applies the sigmoid "
                     "(from_logits=True): use Dense(1) with no activation.")
    images = np.random.default_rng(7).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    try:
        as_3 = np.asarray(model([images, np.full(4, 3, dtype="int32")], training=False))
        as_7 = np.asarray(model([images, np.full(4, 7, dtype="int32")], training=False))
    except Exception as error:
        return wrong(f"calling the model on [images (4, 28, 28, 1), labels (4,)] raised {type(error).__name__}: {error}. "
                     "Declare the label input as keras.Input((), dtype='int32').")
    if np.allclose(as_3, as_7):
        return wrong("the logits do not change when only the label changes: the label map never reaches the output.")
    return correct(f"{model.count_params():,} parameters; the label enters as a second input channel, so the first "
                   "convolution sees image and label together.")


def check_3(hardest, mnist_result) -> bool:
    """Exercise 3: ``hardest``, the requested MNIST digit with the lowest conditional accuracy in ``mnist_result``."""
    if hardest is None:
        return not_answered("set hardest to the index (0-9) of the digit with the lowest conditional accuracy.")
    per_class = np.asarray(mnist_result["per_class"], dtype=np.float64)
    if isinstance(hardest, str):
        return wrong("store the digit's index as an int (np.argmin gives it), not a string.")
    value = _scalar(hardest)
    if value is None or not float(value).is_integer() or not 0 <= value <= 9:
        return wrong(f"hardest is one class index, a whole number from 0 to 9; got {hardest!r:.60}.")
    digit = int(value)
    if per_class[digit] == per_class.min():
        return correct(f"digit {digit}: the generator obeys only {per_class[digit]:.0%} of the requests for it. Look at what "
                       "the classifier read instead: often a neighbouring shape (4/9, 3/5, 7/1).")
    real = np.asarray(mnist_result.get("real_per_class", np.full(10, np.nan)), dtype=np.float64)
    if per_class[digit] == per_class.max():
        return wrong(f"digit {digit} has the HIGHEST conditional accuracy ({per_class[digit]:.2f}): use argmin, not argmax.")
    if np.isfinite(real).all() and real[digit] == real.min():
        return wrong("that is the class the classifier finds hardest on REAL test images (real_per_class); the exercise asks "
                     "which requested digit the generator gets wrong most often: mnist_result['per_class'].")
    return wrong(f"digit {digit} has conditional accuracy {per_class[digit]:.2f}, but another does worse: "
                 "int(np.argmin(mnist_result['per_class'])).")
