package dev.finetune.eval;

import dev.finetune.data.labelmap.LabelMap;
import java.util.ArrayList;
import java.util.List;

/** One evaluated class: the API's category dict {@code {'id': 1, 'name': 'cat'}} (ids from 1). */
public record Category(int id, String name) {

  /**
   * The categories of a label map in id order, named as the API's {@code
   * create_categories_from_labelmap} (default {@code use_display_name=True}): the display_name when
   * an item has one, else its name.
   */
  public static List<Category> fromLabelMap(LabelMap labelMap) {
    List<Category> out = new ArrayList<>();
    for (LabelMap.Item item : labelMap.items()) {
      out.add(new Category(item.id(), labelMap.nameOf(item.id(), true)));
    }
    return out;
  }
}
