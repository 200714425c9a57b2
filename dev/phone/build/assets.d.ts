// The phone page's browser script and styles, bundled from dev/phone/client by
// scripts/build-phone.mjs into assets.js beside this file (generated, not committed).
/** The bundled script (an IIFE), safe to put inside a <script> element. */
export declare const PHONE_JS: string;
/** The bundled styles, safe to put inside a <style> element. */
export declare const PHONE_CSS: string;
