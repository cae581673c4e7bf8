#!/usr/bin/env node
// The built CLI lives in dist/ (npm install runs the build through the prepare script).
import '../dist/main.js';
