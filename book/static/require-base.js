// The widget manager (embed-amd.js) loads its icon fonts from beside its AMD modules, which
// require.js resolves from the page's folder by default: resolve them from _static/ instead.
require.config({baseUrl: document.documentElement.dataset.content_root + "_static/"});
