/**
 * AWS CodeCommit with IAM (GitRepository `spec.provider: aws`): Git credentials derived from the
 * runtime's AWS credentials (the worker's role, or the environment locally), as AWS's
 * `git-remote-codecommit` derives them. They last about 15 minutes; ask again for every operation.
 */
export interface CodeCommitAuth {
  /** Basic credentials for one HTTPS CodeCommit URL (`https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>`). */
  gitCredentials(url: string): Promise<{ readonly username: string; readonly password: string }>;
}
