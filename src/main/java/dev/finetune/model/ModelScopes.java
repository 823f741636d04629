package dev.finetune.model;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.op.Ops;

/**
 * One {@link Ops} per name-scope path ("FeatureExtractor/MobilenetV1/Conv2d_0"), created once and
 * reused. TensorFlow Java makes every {@code withSubScope} call unique ("FeatureExtractor_1" on the
 * second call), so the exact TF1 variable names only come out if each scope is opened exactly once.
 */
public final class ModelScopes {
  private final Ops root;
  private final Map<String, Ops> byPath = new HashMap<>();

  public ModelScopes(Ops root) {
    this.root = root;
  }

  public Ops root() {
    return root;
  }

  /** The ops of {@code path} ("" is the root), opening each missing scope level once. */
  public Ops at(String path) {
    if (path.isEmpty()) {
      return root;
    }
    Ops ops = byPath.get(path);
    if (ops == null) {
      int slash = path.lastIndexOf('/');
      Ops parent = slash < 0 ? root : at(path.substring(0, slash));
      ops = parent.withSubScope(path.substring(slash + 1));
      byPath.put(path, ops);
    }
    return ops;
  }

  /** Joins scope path parts, skipping empty ones. */
  public static String join(String... parts) {
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      if (p == null || p.isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(p);
    }
    return sb.toString();
  }
}
