import https from "node:https";

const insecure = new https.Agent({ rejectUnauthorized: false });
export default insecure;
