// The smallest file the server's .blend reader takes as a .blend: a Blender 3.4 header (64-bit,
// little-endian) and the block that ends every .blend, nothing in between (no scene, so no render
// settings). For tests that need a .blend to exist but never render it; tests that render make
// theirs with real Blender (test/blend/make-blend-fixtures.py, test/node/make-scenes.py).
export const TINY_BLEND = 'BLENDER-v304ENDB' + '\0'.repeat(20)
