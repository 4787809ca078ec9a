// Where Chromium is and how it is started for the browser tests, the benchmark and the screenshots.
export const chromiumPath = '/usr/bin/chromium'
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
]
