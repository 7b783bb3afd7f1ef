/** GitHub REST v3: the media type and the API version every request names (docs: "API versions"). */
export const GITHUB_MEDIA_TYPE = 'application/vnd.github+json';
export const GITHUB_API_VERSION = '2022-11-28';
