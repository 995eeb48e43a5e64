/** The Debian packages the stack tier runs on (installed by `.ci/run`, or by run-stack.mjs as root). */
export const STACK_APT_PACKAGES = [
  'redis-server',
  'python3-flask',
  'python3-fastapi',
  'python3-uvicorn',
  'python3-gunicorn',
  'python3-redis',
  'python3-jwt',
  'python3-cryptography',
  'python3-pyflakes',
] as const;
