package dev.finetune.model;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TType;

/**
 * One TF1 {@code VariableV2} of the model under its checkpoint name.
 *
 * @param variable the ref-typed variable: the target of Assign and the raw optimizer ops
 * @param value an Identity of the variable: read through it before any math (math applied to the
 *     ref itself crashes TF Java while gradients are built)
 * @param initializer assigns the initial value
 */
public record ModelVariable(
    String name,
    long[] shape,
    Class<? extends TType> dtype,
    boolean trainable,
    Variable<? extends TType> variable,
    Operand<? extends TType> value,
    Op initializer) {

  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** TF's dtype name ("float32", "int64"). */
  public String dtypeName() {
    return DataTypes.name(dtype);
  }

  /** The shape as the API lists it: "3x3x3x32", "" for a scalar. */
  public String shapeString() {
    return String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
  }
}
