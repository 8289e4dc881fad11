/** Generated from package.json by scripts/version.mjs (npm run build): edit the version there. */
export const VERSION = '0.1.0';
