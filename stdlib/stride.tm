// The built-in STRIDE rule pack.
