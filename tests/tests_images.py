"""Small images made on the spot for upload tests (Pillow, which fpdf2 needs anyway)."""

import io

from PIL import Image


def png_bytes(width: int = 120, height: int = 40, kind: str = "PNG") -> bytes:
    """A two-colour image of the given size and format ("PNG", "JPEG", "GIF", ...)."""
    image = Image.new("RGB", (width, height), (11, 92, 122))
    for x in range(width // 2):
        for y in range(height):
            image.putpixel((x, y), (255, 200, 0))
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()
