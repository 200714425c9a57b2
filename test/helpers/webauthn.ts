// A software authenticator for Workers-runtime tests: a P-256 key made with WebCrypto, attestation
// "none", CBOR through @simplewebauthn/server/helpers. It answers registration and sign-in options
// the way a platform authenticator (Touch ID, Windows Hello) would, and can be told to lie: another
// origin or rpId, a lower counter, someone else's user handle.
import { isoBase64URL, isoCBOR, isoUint8Array } from "@simplewebauthn/server/helpers";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

/** Bytes backed by a plain ArrayBuffer (what WebCrypto and the helpers take). */
type Bytes = Uint8Array<ArrayBuffer>;

const sha256 = async (data: Bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", data));
const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const uint32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

/** WebCrypto signs ECDSA as r‖s; WebAuthn wants ASN.1 DER. */
function derSignature(raw: Bytes): Bytes {
  const int = (bytes: Bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if ((v[0] ?? 0) & 0x80) v = isoUint8Array.concat([new Uint8Array([0]), v]);
    return isoUint8Array.concat([new Uint8Array([0x02, v.length]), v]);
  };
  const body = isoUint8Array.concat([int(raw.slice(0, 32)), int(raw.slice(32))]);
  return isoUint8Array.concat([new Uint8Array([0x30, body.length]), body]);
}

export interface AnswerOverrides {
  origin?: string;
  rpId?: string;
  /** Signature counter to report (default: one more than last time). */
  counter?: number;
  /** User handle to send (default: the one given at registration). */
  userHandle?: string;
  /** Answer another challenge than the one asked. */
  challenge?: string;
}

export class SoftAuthenticator {
  readonly credentialId = isoBase64URL.fromBuffer(crypto.getRandomValues(new Uint8Array(16)));
  private userHandle: string | undefined;
  private counter = 0;

  private constructor(
    private readonly keys: CryptoKeyPair,
    readonly origin: string,
  ) {}

  static async create(origin: string): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return new SoftAuthenticator(keys, origin);
  }

  /** Counts from here on (0 = an authenticator that does not count, like most passkeys). */
  startCounterAt(n: number): void {
    this.counter = n;
  }

  private async authData(rpId: string, flags: number, counter: number, attested?: Bytes): Promise<Bytes> {
    return isoUint8Array.concat([await sha256(new TextEncoder().encode(rpId)), new Uint8Array([flags]), uint32(counter), ...(attested ? [attested] : [])]);
  }

  async register(options: PublicKeyCredentialCreationOptionsJSON, o: AnswerOverrides = {}): Promise<RegistrationResponseJSON> {
    this.userHandle = options.user.id;
    const jwk = await crypto.subtle.exportKey("jwk", this.keys.publicKey);
    const cose = isoCBOR.encode(
      new Map<number, number | Bytes>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, isoBase64URL.toBuffer(jwk.x ?? "")],
        [-3, isoBase64URL.toBuffer(jwk.y ?? "")],
      ]),
    );
    const id = isoBase64URL.toBuffer(this.credentialId);
    const attested = isoUint8Array.concat([new Uint8Array(16), new Uint8Array([0, id.length]), id, cose]);
    // Flags: user present (0x01), user verified (0x04), attested credential data (0x40).
    const authData = await this.authData(o.rpId ?? options.rp.id ?? "", 0x45, this.counter, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Bytes | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", authData],
      ]),
    );
    const clientDataJSON = json({ type: "webauthn.create", challenge: o.challenge ?? options.challenge, origin: o.origin ?? this.origin, crossOrigin: false });
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ["internal"],
      },
    };
  }

  async authenticate(options: PublicKeyCredentialRequestOptionsJSON, o: AnswerOverrides = {}): Promise<AuthenticationResponseJSON> {
    const counter = o.counter ?? (this.counter === 0 ? 0 : ++this.counter);
    const authData = await this.authData(o.rpId ?? options.rpId ?? "", 0x05, counter);
    const clientDataJSON = json({ type: "webauthn.get", challenge: o.challenge ?? options.challenge, origin: o.origin ?? this.origin, crossOrigin: false });
    const signed = isoUint8Array.concat([authData, await sha256(clientDataJSON)]);
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed));
    const userHandle = o.userHandle ?? this.userHandle;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authData),
        signature: isoBase64URL.fromBuffer(derSignature(raw)),
        ...(userHandle ? { userHandle } : {}),
      },
    };
  }
}
