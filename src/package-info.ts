import packageJson from "../package.json" with { type: "json" };

export const SERVER_NAME = packageJson.name;
export const SERVER_VERSION = packageJson.version;
export const USER_AGENT = `${SERVER_NAME}/${SERVER_VERSION} (node ${process.versions.node})`;
