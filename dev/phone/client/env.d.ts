// style.css is imported for its side effect: the bundler (scripts/build-phone.mjs) extracts it.
declare module "*.css";
