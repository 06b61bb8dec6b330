// natural.mjs — every shipped preset through its natural platform, and what
// a relying party must see, for the browser tests of `fidosim provider`
// (provider_extension.mjs, provider_playwright.mjs).
//
// "Natural": the platform through which the provider's passkeys reach web
// pages in the setting the preset models, by the evidence cited (all in
// docs/evidence/providers.md, shipped with the project):
//   - Apple Passwords / iCloud Keychain reach pages through Safari/WebKit (2.1, 8);
//   - KeePassium is an iOS/macOS AutoFill credential provider extension (7, 2.2);
//   - Google Password Manager and Samsung Pass reach pages through Chrome on
//     Android and Credential Manager (3, 8; Samsung Pass: 3 and passkeys.dev #392);
//   - Windows Hello reaches pages through webauthn.dll, which Chrome and Edge
//     on Windows delegate to (4, 8);
//   - a YubiKey and Chrome's virtual authenticator are security keys that
//     Chrome desktop talks to itself (5, 8);
//   - 1Password, Bitwarden and KeePassXC answer in desktop Chrome through their
//     browser extensions (5, last paragraph; 7; 8): chrome-desktop, whose rules
//     keep the AAGUID of internal/hybrid authenticators as those extensions do.
//
// What the RP sees (the "want" columns) follows from the platform's rules
// (data/platforms/*.platform) and the preset's settings (data/presets/*):
// under attestation "none" chrome-desktop zeroes the AAGUID of security keys
// (docs/evidence/providers.md 5), windows and apple-provider-extension zero every AAGUID
// (4; 2.3, the macOS 26.2 report), chrome-android passes the provider's
// statement through (3); under "direct" a signed statement (packed) keeps its
// AAGUID, and safari-macos forwards only "enterprise" (2.1), so "none" again.
// UV: the tests ask userVerification "preferred": "auto" and "always"
// presets verify, chrome-virtual's "never" cannot.
const Z = '00000000-0000-0000-0000-000000000000';

export const NATURAL = [
  { preset: 'icloud-keychain', platform: 'safari-macos', evidence: 'docs/evidence/providers.md 2.1, 8',
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', be: true, bs: true, uv: true,
    want: { none: ['fbfc3007-154e-4ecc-8c0b-6e020557d7bd', 'none'],
      direct: ['fbfc3007-154e-4ecc-8c0b-6e020557d7bd', 'none'] } },
  { preset: 'keepassium', platform: 'apple-provider-extension', evidence: 'docs/evidence/providers.md 7, 2.2, 2.3',
    aaguid: '23a349a8-0dd1-49c3-8b00-5d36fa3b3c03', be: true, bs: true, uv: true,
    want: { none: [Z, 'none'], direct: [Z, 'none'] } },
  { preset: 'google-password-manager', platform: 'chrome-android', evidence: 'docs/evidence/providers.md 3, 8',
    aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', be: true, bs: true, uv: true,
    want: { none: ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', 'none'],
      direct: ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', 'none'] } },
  { preset: 'samsung-pass', platform: 'chrome-android', evidence: 'docs/evidence/providers.md 3 (passkeys.dev #392)',
    aaguid: '53414d53-554e-4700-0000-000000000000', be: false, bs: false, uv: true,
    want: { none: ['53414d53-554e-4700-0000-000000000000', 'packed'],
      direct: ['53414d53-554e-4700-0000-000000000000', 'packed'] } },
  { preset: 'windows-hello', platform: 'windows', evidence: 'docs/evidence/providers.md 4, 8',
    aaguid: '08987058-cadc-4b81-b6e1-30de50dcbe96', be: false, bs: false, uv: true,
    want: { none: [Z, 'none'], direct: ['08987058-cadc-4b81-b6e1-30de50dcbe96', 'packed'] } },
  { preset: 'yubikey5', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 8',
    aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', be: false, bs: false, uv: true,
    want: { none: [Z, 'none'], direct: ['cb69481e-8ff7-4039-93ec-0a2729a154a8', 'packed'] } },
  { preset: 'chrome-virtual', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 8',
    aaguid: '01020304-0506-0708-0102-030405060708', be: false, bs: false, uv: false,
    want: { none: [Z, 'none'], direct: ['01020304-0506-0708-0102-030405060708', 'packed'] } },
  { preset: '1password', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 7, 8',
    aaguid: 'bada5566-a7aa-401f-bd96-45619a55120d', be: true, bs: true, uv: true,
    want: { none: ['bada5566-a7aa-401f-bd96-45619a55120d', 'none'],
      direct: ['bada5566-a7aa-401f-bd96-45619a55120d', 'none'] } },
  { preset: 'bitwarden', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 7, 8',
    aaguid: 'd548826e-79b4-db40-a3d8-11116f7e8349', be: true, bs: true, uv: true,
    want: { none: ['d548826e-79b4-db40-a3d8-11116f7e8349', 'none'],
      direct: ['d548826e-79b4-db40-a3d8-11116f7e8349', 'none'] } },
  { preset: 'keepassxc', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 7, 8',
    aaguid: 'fdb141b2-5d84-443e-8a35-4698c205a502', be: true, bs: true, uv: true,
    want: { none: ['fdb141b2-5d84-443e-8a35-4698c205a502', 'none'],
      direct: ['fdb141b2-5d84-443e-8a35-4698c205a502', 'none'] } },
  { preset: 'keepassxc-2.7.11', platform: 'chrome-desktop', evidence: 'docs/evidence/providers.md 5, 7, 8',
    aaguid: 'fdb141b2-5d84-443e-8a35-4698c205a502', be: false, bs: false, uv: true,
    want: { none: ['fdb141b2-5d84-443e-8a35-4698c205a502', 'none'],
      direct: ['fdb141b2-5d84-443e-8a35-4698c205a502', 'none'] } },
];

// The seed's report (docs/evidence/providers.md 2.2): a device-bound provider (BE=0) behind an
// Apple credential provider extension fails in the page with NotAllowedError.
export const BE0_APPLE = { preset: 'keepassxc-2.7.11', platform: 'apple-provider-extension',
  evidence: 'docs/evidence/providers.md 2.2 (forums 813844, 745605, 787629; KeePassium #444)',
  name: 'NotAllowedError', rule: 'require-be-bs' };
