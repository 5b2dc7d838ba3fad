/**
 * The entry esbuild bundles into dist/kubectl.cjs, the file `k8ts kubectl` and `k8ts-kubectl` run
 * through kubectl-launch. CommonJS has no top-level await; main sets the exit code and exits itself.
 */
import { main } from '../kubectl/main.js';

void main(process.argv.slice(2));
