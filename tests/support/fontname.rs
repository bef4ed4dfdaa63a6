//! Makes a copy of a font under another family name, to stand in for a
//! user's own font (仿宋_GB2312, 楷体 ...) in tests.

fn u16_at(d: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([d[i], d[i + 1]])
}

fn u32_at(d: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]])
}

/// A name table naming the font `family` (Windows, US English).
fn name_table(family: &str) -> Vec<u8> {
    let ps: String = family
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let entries: [(u16, String); 4] = [
        (1, family.to_string()),
        (2, "Regular".into()),
        (4, family.to_string()),
        (6, if ps.is_empty() { "UserFont".into() } else { ps }),
    ];
    let mut strings = Vec::new();
    let mut records = Vec::new();
    for (id, text) in &entries {
        let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        records.push((*id, utf16.len() as u16, strings.len() as u16));
        strings.extend(utf16);
    }
    let mut out = Vec::new();
    out.extend(0u16.to_be_bytes());
    out.extend((records.len() as u16).to_be_bytes());
    out.extend((6 + 12 * records.len() as u16).to_be_bytes());
    for (id, len, offset) in records {
        for v in [3u16, 1, 0x0409, id, len, offset] {
            out.extend(v.to_be_bytes());
        }
    }
    out.extend(strings);
    out
}

/// The font in `data` with its name table replaced so its family is `family`.
pub fn rename(data: &[u8], family: &str) -> Vec<u8> {
    let num = u16_at(data, 4) as usize;
    let mut tables: Vec<([u8; 4], Vec<u8>)> = (0..num)
        .map(|i| {
            let rec = 12 + 16 * i;
            let tag = [data[rec], data[rec + 1], data[rec + 2], data[rec + 3]];
            let offset = u32_at(data, rec + 8) as usize;
            let length = u32_at(data, rec + 12) as usize;
            (tag, data[offset..offset + length].to_vec())
        })
        .collect();
    for (tag, bytes) in &mut tables {
        if tag == b"name" {
            *bytes = name_table(family);
        }
    }
    let mut out = data[..12].to_vec();
    let mut offset = 12 + 16 * num;
    let mut body = Vec::new();
    for (tag, bytes) in &tables {
        out.extend(tag);
        out.extend(0u32.to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((bytes.len() as u32).to_be_bytes());
        let padded = (bytes.len() + 3) & !3;
        body.extend(bytes);
        body.resize(body.len() + padded - bytes.len(), 0);
        offset += padded;
    }
    out.extend(body);
    out
}
