// Deliberately broken, to show what a failure looks like. This plugin was
// written against an older contract: it exports hello() where the host's
// Greeter signature asks for greet(). Its manifest and its import are fine;
// the host's validator rejects the export (stage "validate", code
// AUG_VALIDATE_REJECTED) and every other plugin still loads.

export function hello(name) {
  return `Hello, ${name}.`;
}
