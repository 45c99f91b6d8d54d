"""What LIME (:mod:`~xaitutor.methods.lime_image`) and Kernel SHAP (:mod:`~xaitutor.methods.shapley`)
share around their own equations: both explain a picture by classifying copies of it with some of
its superpixels hidden. ``segmentation.py`` cuts the superpixels and says what a hidden one shows,
``mixing.py`` builds the pictures an on/off row stands for, ``rounds.py`` sets a picture up once
and classifies the rows in batches through the black box under the progress bar, and
``explanation.py`` holds the views of one number per superpixel (top, mask, map, plot)."""
