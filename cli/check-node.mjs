// Plain JavaScript on purpose: it must run, and explain, on a Node too old to load the TypeScript entry points.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`cni-conformance: Node ${process.versions.node} is too old: it needs Node >= 22.19 (24 LTS recommended); install it, e.g. with nvm install 24`);
  process.exit(2);
}
