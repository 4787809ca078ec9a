// Entry point of the web UI bundle (esbuild → web/dist/main.js): defines <rfam-app>, which index.html holds.
import './app-shell.ts'
