// Lint: type-aware rules, no import cycles, and the layer boundaries of DESIGN.md made mechanical.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// Each layer may import only the layers listed for it. Components never import each other;
// they meet through the API (src/client). See CONVENTIONS.md "Layers point one way".
const layers = {
  api: [],
  storage: ['api'],
  apiserver: ['api', 'storage'],
  client: ['api'],
  controllers: ['api', 'client'],
  scheduler: ['api', 'client'],
  kubelet: ['api', 'client'],
  proxy: ['api', 'client'],
  dns: ['api', 'client'],
  kubectl: ['api', 'client'],
  dashboard: ['api', 'client'],
  server: ['api', 'storage', 'apiserver', 'client', 'controllers', 'scheduler', 'kubelet', 'proxy', 'dns', 'kubectl', 'dashboard'],
  cmd: ['server', 'api', 'storage', 'apiserver', 'client', 'controllers', 'scheduler', 'kubelet', 'proxy', 'dns', 'kubectl', 'dashboard'],
  util: [],
};
const all = Object.keys(layers);
const zones = Object.entries(layers).flatMap(([layer, allowed]) =>
  all
    .filter((other) => other !== layer && !allowed.includes(other) && other !== 'util')
    .map((other) => ({
      target: `./src/${layer}`,
      from: `./src/${other}`,
      message: `src/${layer} may not import src/${other} (layers point one way; components meet through the API).`,
    })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/api/generated/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: Infinity }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*-suite.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
    },
  },
);
