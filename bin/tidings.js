#!/usr/bin/env node
// The built CLI lives in dist/ (npm install runs the build through the prepare script).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
