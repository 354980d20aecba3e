//! Reading and writing speed, and how quickly the refusals come: `cargo bench -p iln-sheet`
//! (release). Prints one line per case, the median of five runs; the numbers live in
//! docs/benchmarks.md. Files are built here, Google-Forms-shaped, so nothing is downloaded.

use std::io::Write as _;
use std::time::{Duration, Instant};

use iln_sheet::{Table, read, write_xlsx};

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn case(label: &str, bytes: &[u8]) {
    let outcome = match read(bytes, "bench") {
        Ok(sheet) => format!("{} rows", sheet.rows.len()),
        Err(e) => format!("refused: {e}"),
    };
    let took = median(|| {
        let _ = read(bytes, "bench");
    });
    println!(
        "{label:<44} {:>9.1} ms  {:>7} KB  {outcome}",
        took.as_secs_f64() * 1000.0,
        bytes.len() / 1024
    );
}

fn form(rows: usize) -> Table {
    let header = [
        "Timestamp",
        "Name",
        "Email",
        "Country",
        "Institution",
        "Sector",
        "Career stage",
        "Interests",
        "Languages",
        "Goals",
    ];
    let rows = (0..rows)
        .map(|i| {
            vec![
                format!("3/1/2025 10:{:02}:00", i % 60),
                format!("Person {i}"),
                format!("p{i}@example.org"),
                "Kenya".to_owned(),
                format!("Library number {i}"),
                "Public library".to_owned(),
                "5-15 years".to_owned(),
                "Outreach, Cataloguing, Digital".to_owned(),
                "English, French".to_owned(),
                "Learn from a colleague abroad".to_owned(),
            ]
        })
        .collect();
    Table::text(header.map(str::to_owned).to_vec(), rows)
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        out.start_file(name.as_str(), options).expect("a zip entry");
        out.write_all(content).expect("a zip entry");
    }
    out.finish().expect("a zip").into_inner()
}

/// A real workbook with its sheet replaced by `sheet`, declared as `declared` bytes.
fn bomb(sheet: &[u8], declared: Option<u32>) -> Vec<u8> {
    let base = write_xlsx(&form(1), "x").expect("a workbook");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).expect("our zip");
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("an entry");
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).expect("an entry");
        let name = entry.name().expect("a name").into_owned();
        if name == "xl/worksheets/sheet1.xml" {
            content = sheet.to_vec();
        }
        parts.push((name, content));
    }
    let mut bytes = zip_of(&parts);
    if let Some(size) = declared {
        let name = b"xl/worksheets/sheet1.xml";
        for at in 0..bytes.len().saturating_sub(46) {
            let (offset, name_at, len_at) = match &bytes[at..at + 4] {
                b"PK\x03\x04" => (22, 30, 26),
                b"PK\x01\x02" => (24, 46, 28),
                _ => continue,
            };
            let len = usize::from(u16::from_le_bytes([
                bytes[at + len_at],
                bytes[at + len_at + 1],
            ]));
            if bytes.get(at + name_at..at + name_at + len) == Some(&name[..]) {
                bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
    }
    bytes
}

fn main() {
    for rows in [10_000, 100_000] {
        let table = form(rows);
        let csv = iln_sheet::write_csv(&table);
        case(&format!("CSV, {rows} rows"), csv.as_bytes());
        let xlsx = write_xlsx(&table, "form").expect("a workbook");
        case(&format!("XLSX, {rows} rows"), &xlsx);
        let took = median(|| {
            let _ = write_xlsx(&table, "form");
        });
        println!(
            "{:<44} {:>9.1} ms",
            format!("writing XLSX, {rows} rows"),
            took.as_secs_f64() * 1000.0
        );
    }
    let csv = iln_sheet::write_csv(&form(10_000));
    case("21 MB", &vec![b'a'; 21 * 1024 * 1024]);
    let latin: Vec<u8> = csv
        .bytes()
        .map(|b| if b == b'K' { 0xC9 } else { b })
        .collect();
    case("Windows-1252, 10,000 rows", &latin);
    let utf16: Vec<u8> = csv.encode_utf16().flat_map(u16::to_le_bytes).collect();
    case("UTF-16, 10,000 rows", &utf16);
    let over = iln_sheet::write_csv(&form(100_001));
    case("CSV, 100,001 rows", over.as_bytes());

    // 150 MB of sheet XML deflated to about 1 MB, declared honestly, as 300 MB, and as 4 KB.
    let mut xml = b"<?xml version=\"1.0\"?><worksheet \
        xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        .to_vec();
    let row = b"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>";
    while xml.len() < 150 * 1024 * 1024 {
        xml.extend_from_slice(row);
    }
    xml.extend_from_slice(b"</sheetData></worksheet>");
    case(
        "zip bomb declared as 300 MB",
        &bomb(&xml, Some(300 * 1024 * 1024)),
    );
    case(
        "zip bomb of 150 MB declared as 4 KB",
        &bomb(&xml, Some(4096)),
    );
    case(
        "150 MB of one-row XML, declared honestly",
        &bomb(&xml, None),
    );
}
