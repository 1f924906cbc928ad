// The page's client is @flowstream/client itself: the project file serves clients/js/packages/client/src under
// /_flowstream/client/ (no copy, no build step), and this module keeps the page's import path.
export * from './_flowstream/client/index.js';
