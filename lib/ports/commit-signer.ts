/**
 * Commit signing (Flux `spec.git.commit.signingKey`): a key, once loaded, signs the commit payload
 * (the commit object without its `gpgsig` header), and git stores the armored detached signature
 * (OpenPGP, or SSH's sshsig) in that header, where `git verify-commit` and the forges find it.
 */
export interface CommitSigner {
  /** Fingerprint of the signing key (upper-case hex): public, shown to reviewers. */
  readonly fingerprint: string;
  /** ASCII-armored detached signature of `payload`. */
  sign(payload: string): Promise<string>;
}

export interface OpenPgpKeyMaterial {
  /** ASCII-armored private key (Secret key `git.asc`); exactly one entity. */
  readonly armoredKey: string;
  /** Secret key `passphrase`, when the key is encrypted. */
  readonly passphrase?: string;
}

export interface SshKeyMaterial {
  /** OpenSSH or PEM private key (Secret key `identity`): ed25519, ECDSA or RSA. */
  readonly identity: string;
  /** Secret key `password`, when the key is encrypted. */
  readonly password?: string;
}

export interface CommitSigning {
  /**
   * Reads and unlocks the key once per run. Throws InvalidConfigError whose message says what is
   * wrong (not a key, several keys, wrong or missing passphrase, cannot sign) and never contains
   * key material or the passphrase.
   */
  openPgp(key: OpenPgpKeyMaterial): Promise<CommitSigner>;
  /**
   * `type: ssh`: Git's SSH signature format (`-----BEGIN SSH SIGNATURE-----`, namespace `git`);
   * the signer's fingerprint is OpenSSH's `SHA256:…`. Same refusal rules as `openPgp`.
   */
  ssh(key: SshKeyMaterial): Promise<CommitSigner>;
}
