/**
 * Resolves a Flux `secretRef` (a Secret name in a namespace) to its string data.
 * Local mode reads Secret documents and the environment; Lambda reads AWS Secrets Manager.
 */
export interface SecretSource {
  /** The Secret's keys and values, or undefined when there is no such Secret. */
  getSecret(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
}
