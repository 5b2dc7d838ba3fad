#!/usr/bin/env node
/**
 * Our kubectl from the unbundled module tree (main sets the exit code and exits). What users run,
 * `k8ts kubectl` and the `k8ts-kubectl` bin, is the bundle started by kubectl-launch; this entry is
 * the module-tree baseline bench/kubectl.ts measures it against.
 */
import { main } from '../kubectl/main.js';

await main(process.argv.slice(2));
