"""Helpers shared by the lessons of the GAN & VAE image-generation course.

One module per concern:

* :mod:`course_utils.datasets`  - the shipped MNIST / Fashion-MNIST images, scaling, ``tf.data`` pipelines
* :mod:`course_utils.plotting`  - image grids, loss curves, latent scatters, strips, toy densities, GIFs
* :mod:`course_utils.training`  - seeds, quick/full run mode, a sample-grid callback, a timer
* :mod:`course_utils.environment` - what a lesson's first cell reports (versions, CPU/GPU, Colab)

Submodules are imported lazily so that ``import course_utils`` stays cheap (TensorFlow loads only
when a helper that needs it is used).
"""
__version__ = "0.1.0"
