//! Turning a [`Document`] into PDF bytes: glyph subsets, the font objects that describe them,
//! one compressed content stream per page, and the catalog, page tree and information
//! dictionary around them.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::Error;
use crate::document::{Document, Op, Output, Paint, Rgb};
use crate::font::{Font, Fonts, Weight};
use crate::units::{self, Mm};

/// The resource name a page uses for each face.
fn resource_name(weight: Weight) -> Name<'static> {
    match weight {
        Weight::Regular => Name(b"F1"),
        Weight::Bold => Name(b"F2"),
    }
}

/// The glyphs one face draws in the document, numbered as they will be in its subset.
struct Subset {
    /// Old glyph id to new, in order of first use; the subset's glyph ids are the new ones,
    /// and the PDF addresses glyphs by them (CID = new glyph id, `CIDToGIDMap /Identity`).
    remapper: GlyphRemapper,
    /// New glyph id to the character text extraction should give for it.
    to_unicode: BTreeMap<u16, char>,
}

/// A text operation with its glyphs resolved against the subset: new glyph id and kerning
/// before it, in thousandths of the type size (PDF's unit for `TJ` adjustments).
struct SetText {
    weight: Weight,
    glyphs: Vec<(u16, f32)>,
}

/// The glyphs the document draws, gathered in the first pass.
#[derive(Default)]
struct Used {
    subsets: BTreeMap<Weight, Subset>,
    /// See [`Output::missing`].
    missing: Vec<char>,
}

impl Used {
    /// A text operation's glyphs, numbered in its face's subset; `None` for other operations
    /// and for text of only invisible characters, which draws nothing and embeds no font.
    fn set(&mut self, fonts: &Fonts, op: &Op) -> Option<SetText> {
        let Op::Text { weight, text, .. } = op else {
            return None;
        };
        let font = fonts.font(*weight);
        let glyphs = font.glyphs(text);
        if glyphs.is_empty() {
            return None;
        }
        let subset = self.subsets.entry(*weight).or_insert_with(|| Subset {
            remapper: GlyphRemapper::new(),
            to_unicode: BTreeMap::new(),
        });
        let mut set = Vec::with_capacity(glyphs.len());
        for glyph in glyphs {
            if glyph.missing && !self.missing.contains(&glyph.ch) {
                self.missing.push(glyph.ch);
            }
            let gid = subset.remapper.remap(glyph.gid);
            // Where two characters share a glyph the first one drawn is what extraction
            // gives; DejaVu Sans maps no two characters to one glyph.
            subset.to_unicode.entry(gid).or_insert(glyph.extracts_as);
            set.push((gid, font.to_thousandths(i64::from(glyph.kern))));
        }
        Some(SetText {
            weight: *weight,
            glyphs: set,
        })
    }
}

pub(crate) fn write(document: Document) -> Result<Output, Error> {
    let Document {
        fonts,
        size,
        metadata,
        pages,
    } = document;

    // First pass: which glyphs each face needs, so the subsets and their numbering are known
    // before any content stream is written.
    let mut used = Used::default();
    let set_pages: Vec<Vec<Option<SetText>>> = pages
        .iter()
        .map(|page| page.ops.iter().map(|op| used.set(&fonts, op)).collect())
        .collect();
    let Used { subsets, missing } = used;

    let mut next = Ref::new(1);
    let catalog_id = next.bump();
    let tree_id = next.bump();
    let info_id = next.bump();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (next.bump(), next.bump())).collect();
    let font_ids: Vec<(Weight, Ref)> = subsets
        .keys()
        .map(|&weight| (weight, next.bump()))
        .collect();

    let mut pdf = Pdf::new();
    // Readers pick the document title over the file name only when asked to.
    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id);
    if metadata.title.is_some() {
        catalog.viewer_preferences().display_doc_title(true);
    }
    catalog.finish();

    let mut info = pdf.document_info(info_id);
    if let Some(title) = &metadata.title {
        info.title(TextStr(title));
    }
    if let Some(author) = &metadata.author {
        info.author(TextStr(author));
    }
    if let Some(subject) = &metadata.subject {
        info.subject(TextStr(subject));
    }
    if let Some(created) = metadata.created {
        info.creation_date(created.to_pdf());
    }
    info.finish();

    let page_count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|&(page, _)| page))
        .count(page_count);

    let side = |mm: Mm| units::coordinate(mm.to_pt().0);
    let media_box = Rect::new(0.0, 0.0, side(size.width()), side(size.height()));
    for ((page, set_ops), &(page_id, content_id)) in pages.iter().zip(&set_pages).zip(&page_ids) {
        let mut writer = pdf.page(page_id);
        writer
            .parent(tree_id)
            .media_box(media_box)
            .contents(content_id);
        let mut resources = writer.resources();
        let mut font_dict = resources.fonts();
        for &(weight, font_id) in &font_ids {
            font_dict.pair(resource_name(weight), font_id);
        }
        font_dict.finish();
        resources.finish();
        writer.finish();

        let content = compress(&page_content(&page.ops, set_ops));
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    }

    for (weight, font_id) in font_ids {
        let Some(subset) = subsets.get(&weight) else {
            continue;
        };
        write_font(&mut pdf, &mut next, font_id, fonts.font(weight), subset)?;
    }

    Ok(Output {
        bytes: pdf.finish(),
        missing,
    })
}

/// The content stream of one page. Colours and line widths are set only when they change,
/// starting from PDF's initial state (black, 1 pt).
fn page_content(ops: &[Op], set_ops: &[Option<SetText>]) -> Vec<u8> {
    let mut content = Content::new();
    let mut fill = Rgb::BLACK;
    let mut stroke = Rgb::BLACK;
    let mut line_width = 1.0;
    let mut set_fill = |content: &mut Content, color: Rgb| {
        if color != fill {
            let (r, g, b) = unit_rgb(color);
            content.set_fill_rgb(r, g, b);
            fill = color;
        }
    };
    let mut set_stroke = |content: &mut Content, color: Rgb, width: f32| {
        if color != stroke {
            let (r, g, b) = unit_rgb(color);
            content.set_stroke_rgb(r, g, b);
            stroke = color;
        }
        if width != line_width {
            content.set_line_width(width);
            line_width = width;
        }
    };

    for (op, set) in ops.iter().zip(set_ops) {
        match op {
            Op::Text {
                x, y, size, color, ..
            } => {
                let Some(set) = set else { continue };
                set_fill(&mut content, *color);
                content.begin_text();
                content.set_font(resource_name(set.weight), *size);
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                show_glyphs(&mut content, &set.glyphs);
                content.end_text();
            }
            Op::Line {
                from,
                to,
                width,
                color,
            } => {
                set_stroke(&mut content, *color, *width);
                content.move_to(from.0, from.1).line_to(to.0, to.1).stroke();
            }
            Op::Rect {
                x,
                y,
                width,
                height,
                paint,
                color,
            } => {
                match paint {
                    Paint::Fill => set_fill(&mut content, *color),
                    Paint::Stroke(line) => set_stroke(&mut content, *color, line.0),
                }
                content.rect(*x, *y, *width, *height);
                match paint {
                    Paint::Fill => content.fill_nonzero(),
                    Paint::Stroke(_) => content.stroke(),
                };
            }
        }
    }
    content.finish().into_vec()
}

/// One `TJ` array: runs of two-byte glyph ids, with a kerning adjustment between runs where
/// the font kerns a pair (a `TJ` number moves the next glyph left, hence the minus).
fn show_glyphs(content: &mut Content, glyphs: &[(u16, f32)]) {
    let mut show = content.show_positioned();
    let mut items = show.items();
    let mut run: Vec<u8> = Vec::with_capacity(glyphs.len() * 2);
    for &(gid, kern) in glyphs {
        let adjust = (-kern * 10.0).round() / 10.0;
        if adjust != 0.0 && !run.is_empty() {
            items.show(Str(&run));
            run.clear();
            items.adjust(adjust);
        }
        run.extend_from_slice(&gid.to_be_bytes());
    }
    if !run.is_empty() {
        items.show(Str(&run));
    }
}

fn unit_rgb(Rgb(r, g, b): Rgb) -> (f32, f32, f32) {
    let unit = |v: u8| (f32::from(v) / 255.0 * 1000.0).round() / 1000.0;
    (unit(r), unit(g), unit(b))
}

/// A composite (Type 0) font over a CIDFontType2 holding the subset: glyphs are addressed by
/// two-byte ids (`Identity-H`), so every glyph of the face is reachable, unlike a simple
/// font's 256 codes. Its objects are the Type 0 font, the CID font with the widths, the
/// descriptor, the font file and the ToUnicode map that makes the text copyable and
/// searchable.
fn write_font(
    pdf: &mut Pdf,
    next: &mut Ref,
    font_id: Ref,
    font: &Font,
    subset: &Subset,
) -> Result<(), Error> {
    let cid_id = next.bump();
    let descriptor_id = next.bump();
    let file_id = next.bump();
    let cmap_id = next.bump();

    let data =
        subsetter::subset(font.face.data, 0, &subset.remapper).map_err(|why| Error::Subset {
            font: font.postscript_name,
            reason: why.to_string(),
        })?;

    let old_gids: Vec<u16> = subset.remapper.remapped_gids().collect();
    // A subset is named with a tag of six capitals and '+', which tells readers it is not
    // the whole font; deriving the tag from the glyphs keeps the output reproducible.
    let mut base_font = subset_tag(font.postscript_name, &old_gids).to_vec();
    base_font.push(b'+');
    base_font.extend_from_slice(font.postscript_name.as_bytes());

    pdf.type0_font(font_id)
        .base_font(Name(&base_font))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(&base_font))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    // Widths of the glyphs drawn, which are the subset's first ones. The subsetter adds the
    // parts of composite glyphs after them; those are never addressed, so they need none.
    let widths = old_gids.iter().map(|&gid| {
        (font.to_thousandths(i64::from(font.face.advance(gid))) * 100.0).round() / 100.0
    });
    cid.widths().consecutive(0, widths);
    cid.finish();

    let face = &font.face;
    let scale = |units: i16| (font.to_thousandths(i64::from(units))).round();
    let [x_min, y_min, x_max, y_max] = face.bbox;
    let mut flags = FontFlags::SYMBOLIC;
    if face.italic_angle != 0.0 {
        flags |= FontFlags::ITALIC;
    }
    pdf.font_descriptor(descriptor_id)
        .name(Name(&base_font))
        .flags(flags)
        .bbox(Rect::new(
            scale(x_min),
            scale(y_min),
            scale(x_max),
            scale(y_max),
        ))
        .italic_angle(face.italic_angle)
        .ascent(scale(face.ascender))
        .descent(scale(face.descender))
        .cap_height(scale(face.cap_height))
        // TrueType fonts do not record a stem width; this estimate from the weight class is
        // the one common writers use, and readers need it only to imitate a missing font.
        .stem_v((10.0 + 0.244 * (f32::from(face.weight_class) - 50.0)).round())
        .font_file2(file_id);

    let compressed = compress(&data);
    let mut file = pdf.stream(file_id, &compressed);
    file.filter(Filter::FlateDecode);
    file.pair(
        Name(b"Length1"),
        i32::try_from(data.len()).unwrap_or(i32::MAX),
    );
    file.finish();

    let mut cmap = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (&gid, &ch) in &subset.to_unicode {
        cmap.pair(gid, ch);
    }
    let cmap = compress(&cmap.finish().into_vec());
    pdf.cmap(cmap_id, &cmap).filter(Filter::FlateDecode);
    Ok(())
}

/// Six capital letters from an FNV-1a hash of the face and its subset's glyphs.
fn subset_tag(name: &str, gids: &[u16]) -> [u8; 6] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = name
        .bytes()
        .chain(gids.iter().flat_map(|gid| gid.to_be_bytes()));
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut tag = [b'A'; 6];
    for letter in &mut tag {
        // The remainder is below 26, so the cast cannot truncate.
        *letter = b'A' + (hash % 26) as u8;
        hash /= 26;
    }
    tag
}

fn compress(data: &[u8]) -> Vec<u8> {
    // Level 9: these documents are small, so the best ratio costs next to nothing.
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}
