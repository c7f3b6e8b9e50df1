// CSS imported from a webview entry is emitted by esbuild beside the bundle.
declare module '*.css';
