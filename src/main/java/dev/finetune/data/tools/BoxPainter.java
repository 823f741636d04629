package dev.finetune.data.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Draws labelled boxes on an image with Java2D, one colour per class, so a person can check them. */
public final class BoxPainter {
  private static final Color[] PALETTE = {
    new Color(0xe6194b), new Color(0x3cb44b), new Color(0x4363d8), new Color(0xf58231),
    new Color(0x911eb4), new Color(0x42d4f4), new Color(0xf032e6), new Color(0xbfef45),
    new Color(0xfabed4), new Color(0x469990), new Color(0xffe119), new Color(0x9a6324),
  };

  /** A box to draw: normalized [ymin, xmin, ymax, xmax], class id and label text. */
  public record LabeledBox(float ymin, float xmin, float ymax, float xmax, int classId, String label) {}

  private BoxPainter() {}

  /** A copy of {@code image} with the boxes drawn on it. */
  public static BufferedImage draw(BufferedImage image, List<LabeledBox> boxes) {
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    float thickness = Math.max(2f, Math.min(w, h) / 200f);
    g.setStroke(new BasicStroke(thickness));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, Math.min(w, h) / 30)));
    FontMetrics fm = g.getFontMetrics();
    for (LabeledBox b : boxes) {
      Color color = PALETTE[Math.floorMod(b.classId(), PALETTE.length)];
      int x0 = Math.round(b.xmin() * w);
      int y0 = Math.round(b.ymin() * h);
      int x1 = Math.round(b.xmax() * w);
      int y1 = Math.round(b.ymax() * h);
      g.setColor(color);
      g.drawRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
      int tw = fm.stringWidth(b.label()) + 6;
      int th = fm.getHeight();
      int ty = y0 - th >= 0 ? y0 - th : y0;
      g.fillRect(x0, ty, tw, th);
      boolean dark = color.getRed() * 299 + color.getGreen() * 587 + color.getBlue() * 114 < 128_000;
      g.setColor(dark ? Color.WHITE : Color.BLACK);
      g.drawString(b.label(), x0 + 3, ty + fm.getAscent());
    }
    g.dispose();
    return out;
  }
}
