package dev.finetune.data.pipeline;

/** Independent seeds derived from (seed, stream, a, b) with SplitMix64 finalisers. */
final class Seeds {
  static final long FILE_ORDER = 1;
  static final long RECORD_SHUFFLE = 2;
  static final long EXAMPLE = 3;

  private Seeds() {}

  static long of(long seed, long stream, long a, long b) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ stream);
    h = mix(h ^ a);
    return mix(h ^ b);
  }

  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
