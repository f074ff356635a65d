"""Checks for the exercises of lesson 09 (conditional GAN): the cost of rejection sampling, the channel-stacking
discriminator, reading the per-class conditional accuracy, and feeding the label to the generator (one-hot, concatenated
with the noise)."""
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
        return wrong("no Conv2D layers: apply lesson 07's two stride-2 convolutions to the stacked (28, 28, 2) input.")
    if convolutions[0].kernel.shape[2] != 2:
        return wrong(f"the first convolution sees {convolutions[0].kernel.shape[2]} channel(s); the label map must be stacked "
                     "on the image as a SECOND CHANNEL: layers.Concatenate()([image, label_map]) gives (28, 28, 2).")
    if len(convolutions) != 2 or any(tuple(c.strides) != (2, 2) for c in convolutions):
        return wrong("use lesson 07's two stride-2 convolutions (28 -> 14 -> 7), Conv2D(..., strides=2, padding='same').")
    if not any(isinstance(layer, layers.Dropout) for layer in all_layers):
        return wrong("add layers.Dropout(0.2) before the final Dense(1), as in lesson 07's discriminator.")
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


def _last_line(error, limit: int = 160) -> str:
    """The line of an error message that says what went wrong (a graph error starts with the traceback of its trace)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return line.removeprefix(f"{type(error).__name__}: ")[:limit]


def _one_hot_reference(noise, labels, n_classes):
    """What the generator's input should be: the noise, then each label's one-hot vector (float)."""
    return np.concatenate([np.asarray(noise, np.float64), np.eye(n_classes)[np.asarray(labels)]], axis=1)


def _call_generator_input(generator_input, noise, labels, n_classes):
    import tensorflow as tf
    try:
        value = generator_input(tf.constant(noise), tf.constant(labels, tf.int32), n_classes=n_classes)
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return None, error
    if value is None:
        return None, None
    try:
        return np.asarray(value, dtype=np.float64), None
    except Exception as error:
        return None, error


def _diagnose_generator_input(got, noise, labels, n_classes) -> str | None:
    """A hint for the typical mistakes (computed as each mistake's result), or None when ``got`` is right."""
    batch, latent_dim = noise.shape
    expected = _one_hot_reference(noise, labels, n_classes)
    if got.shape == expected.shape and np.allclose(got, expected, atol=1e-6):
        return None
    one_hot = np.eye(n_classes)[labels]
    if got.shape == expected.shape and np.allclose(got, np.concatenate([one_hot, noise], axis=1), atol=1e-6):
        return ("the one-hot label comes first: put the noise first, then the label, as cgan.build_conditional_generator "
                "concatenates [z, class_vector].")
    if got.shape == (2 * batch, latent_dim) or (got.ndim == 2 and got.shape[0] != batch):
        return (f"your result has {got.shape[0]} rows for {batch} examples: you concatenated along the batch axis (axis 0). "
                "Concatenate along the features, axis=-1 (axis 1): each row is one example's noise and label.")
    if got.shape == noise.shape:
        if np.allclose(got, noise, atol=1e-6):
            return ("your result is the noise alone: the label never enters, so the generator cannot know which class was "
                    "asked for. Concatenate the label's one-hot vector to the noise.")
        return ("your result has the noise's shape: the label was added to (or mixed into) the noise instead of "
                "concatenated after it; keep the noise unchanged and append the one-hot label as extra columns.")
    if got.ndim != 2 or got.shape[0] != batch:
        return (f"your result has shape {got.shape}; it should be (batch, latent_dim + n_classes) = {expected.shape}: one row "
                "per example, its noise and then its label's one-hot vector (tf.one_hot of labels of shape (batch,)).")
    extra = got.shape[1] - latent_dim
    if extra == 1 and np.allclose(got[:, :latent_dim], noise, atol=1e-6):
        column = got[:, -1]
        if np.allclose(column, labels):
            return ("you appended the label as one raw number: a class index is not a quantity (7 is not 'more' than 3, "
                    "nor closer to 8 than to 1). Append its one-hot vector, tf.one_hot(labels, n_classes).")
        if any(np.allclose(column, labels / scale) for scale in (n_classes - 1, n_classes, 255.0)) or \
                np.allclose(column, 2 * labels / (n_classes - 1) - 1):
            return ("you appended the label as one number scaled to a small range: scaled or not, a single number puts the "
                    "classes on a line (7 'between' 6 and 8). Append its one-hot vector, tf.one_hot(labels, n_classes).")
        return ("you appended one column for the label; a label needs n_classes columns, its one-hot vector: "
                "tf.one_hot(labels, n_classes).")
    if extra != n_classes and np.allclose(got[:, :latent_dim], noise, atol=1e-6):
        if extra == labels.max() + 1:
            return (f"your one-hot vectors have {extra} entries, the largest label in this batch plus one: a batch without "
                    f"the last class would change the generator's input size. Use depth n_classes = {n_classes}.")
        if extra == 10 and n_classes != 10:
            return (f"your one-hot vectors have 10 entries although n_classes = {n_classes}: use the n_classes argument, "
                    "not 10 (lesson 18's model has 12 classes).")
        return f"your one-hot vectors have {extra} entries; they need exactly n_classes = {n_classes}: tf.one_hot(labels, n_classes)."
    if got.shape == expected.shape and not np.allclose(got[:, :latent_dim], noise, atol=1e-6):
        return "the first latent_dim columns must be the noise itself, unchanged; the label's one-hot vector follows them."
    if got.shape == expected.shape:
        return ("the label's columns are not its one-hot vector (a 1 at the label's index, 0 elsewhere): "
                "tf.one_hot(labels, n_classes), cast to float32.")
    return (f"your result has shape {got.shape}; it should be {expected.shape}: the noise (batch, latent_dim), then the "
            "one-hot label (batch, n_classes), side by side (axis=-1).")


def check_4(generator_input) -> bool:
    """Exercise 4: ``generator_input(noise, labels, n_classes=10)`` returns ``[noise, one_hot(labels)]`` concatenated along
    the features (float, shape (batch, latent_dim + n_classes)), as TensorFlow operations that also run inside a model."""
    if generator_input is None:
        return not_answered("define generator_input(noise, labels, n_classes=10) returning the generator's input.")
    import tensorflow as tf

    rng = np.random.default_rng(7)
    noise = rng.standard_normal((6, 64)).astype(np.float32)
    labels = np.array([3, 0, 7, 7, 1, 5])           # the largest label is not the last class: a wrong depth shows
    got, error = _call_generator_input(generator_input, noise, labels, 10)
    if error is not None:
        square, _ = _call_generator_input(generator_input, noise[:, :10], labels, 10)   # noise as wide as the one-hot
        if square is not None and square.shape == (12, 10):
            return wrong("your function stacks noise and labels along the batch axis (axis 0), which fails when they differ "
                         "in width: concatenate along the features, axis=-1 (axis 1).")
        message = f"generator_input raised {type(error).__name__}: {str(error)[:240]}."
        if "float" in str(error) or "double" in str(error) or "int32" in str(error):
            message += " Noise and one-hot label must have the same float dtype: tf.one_hot gives float32, like the noise."
        return wrong(message)
    if got is None:
        return not_answered("generator_input returns None: replace `return None` with the concatenated input.")
    hint = _diagnose_generator_input(got, noise, labels, 10)
    if hint:
        return wrong(hint)
    colours = np.array([11, 4, 0, 9, 11, 2])          # lesson 18's 12 shirt colours
    got, error = _call_generator_input(generator_input, noise, colours, 12)
    if error is not None:
        return wrong(f"with n_classes=12 (lesson 18's shirt colours), generator_input raised {type(error).__name__}: "
                     f"{str(error)[:200]}.")
    hint = _diagnose_generator_input(got, noise, colours, 12) if got is not None else "it returned None for n_classes=12."
    if hint:
        return wrong(f"with n_classes=12: {hint}")

    @tf.function
    def inside_a_model(z, y):                          # a Keras model traces its layers into a graph like this
        return generator_input(z, y, n_classes=10)

    try:
        traced = np.asarray(inside_a_model(tf.constant(noise), tf.constant(labels, tf.int32)), dtype=np.float64)
    except Exception as error:
        return wrong(f"your function works on concrete arrays but fails inside a tf.function, as in a Keras model, where "
                     f"the labels are symbolic ({type(error).__name__}: {_last_line(error)}): use TensorFlow operations, "
                     "tf.one_hot and tf.concat (or keras.ops), not NumPy.")
    if _diagnose_generator_input(traced, noise, labels, 10):
        return wrong("inside a tf.function (as in a Keras model) your function gives another result than on concrete "
                     "arrays: use TensorFlow operations only, tf.one_hot and tf.concat.")
    return correct(f"{noise.shape[1]} noise numbers, then the label's one-hot vector. In the generator's first Dense "
                   "layer, onehot(y) @ W_y picks row y of W_y: a learned vector per class, which is what an Embedding is "
                   "(its lookup E[y] equals onehot(y) @ E).")
