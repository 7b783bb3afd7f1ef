/**
 * What AWS SDK clients in tests are built with: fake credentials and us-east-1, so nothing ever reaches
 * a real account. Fresh each time: the SDK annotates the credentials object it is given, so it must not
 * be frozen or shared.
 */
export const fakeAwsCredentials = () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' });

export const testRegion = 'us-east-1';
