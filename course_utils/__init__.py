"""Helpers shared by the lessons of the GAN & VAE image-generation course.

One module per concern:

* :mod:`course_utils.datasets`  - the shipped MNIST / Fashion-MNIST images and colour avatars, scaling, ``tf.data`` pipelines
* :mod:`course_utils.plotting`  - image grids, loss curves, latent scatters, strips, toy densities, GIFs
* :mod:`course_utils.training`  - seeds, quick/full run mode, budgets (seconds in full mode, steps in quick), a sample-grid callback, a timer
* :mod:`course_utils.environment` - what a lesson's first cell reports (versions, CPU/GPU, Colab)
* :mod:`course_utils.display`   - ``show_source``, and ``interactive_figure`` for every widget
* :mod:`course_utils.recipes`   - every trained model's settings, builder, data, training and checkpoint names in one place
* :mod:`course_utils.metrics`   - every measure of the course (Fréchet distance, coverage, likelihood, PSNR/SSIM, ...)
* the models: :mod:`~course_utils.gan` (the GAN family), :mod:`~course_utils.cgan`, :mod:`~course_utils.wgan`,
  :mod:`~course_utils.vae`, :mod:`~course_utils.diffusion`; :mod:`~course_utils.checkpoints` loads their shipped weights

Submodules are imported lazily so that ``import course_utils`` stays cheap (TensorFlow loads only
when a helper that needs it is used).
"""
__version__ = "0.1.0"
