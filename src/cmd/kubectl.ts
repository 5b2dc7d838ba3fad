#!/usr/bin/env node
/** The `k8ts-kubectl` executable: our kubectl under its own name (main sets the exit code and exits). */
import { main } from '../kubectl/main.js';

await main(process.argv.slice(2));
