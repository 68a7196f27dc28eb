//! Reading a `multipart/form-data` body (RFC 7578), as a browser sends a form
//! with a file and no JavaScript. Only what a form needs: each part's field
//! name, file name if any, and bytes. The CSRF guard reads the token from it;
//! the import page reads the kind and the file.

/// The largest upload body read: the largest file allowed plus room for the
/// other fields, so that a file just over the limit still reaches the page
/// and gets its clear message.
pub const UPLOAD_LIMIT: usize = beacon_core::talent::import::MAX_BYTES + 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 200).then(|| v.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        match haystack[i..].iter().position(|&b| b == first) {
            Some(p) => {
                let at = i + p;
                if at + needle.len() > haystack.len() {
                    return None;
                }
                if &haystack[at..at + needle.len()] == needle {
                    return Some(at);
                }
                i = at + 1;
            }
            None => return None,
        }
    }
    None
}

/// A header parameter such as `name="kind"`, unquoted.
fn parameter(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(key) {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        Some(v.replace("\\\"", "\""))
    })
}

/// The parts of a body, or `None` when it is not well formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut at = find(body, delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: "--" ends the body, a line break starts a part.
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return None;
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = std::str::from_utf8(&body[at..head_end]).ok()?;
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = parameter(v, "name");
                filename = parameter(v, "filename");
            }
        }
        let start = head_end + 4;
        let mut closing = Vec::with_capacity(delimiter.len() + 2);
        closing.extend_from_slice(b"\r\n");
        closing.extend_from_slice(delimiter);
        let end = find(body, &closing, start)?;
        parts.push(Part {
            name: name?,
            filename,
            data: body[start..end].to_vec(),
        });
        at = end + closing.len();
    }
}

/// The text of the first plain field called `name`.
pub fn field<'a>(parts: &'a [Part], name: &str) -> Option<&'a [u8]> {
    parts
        .iter()
        .find(|p| p.name == name && p.filename.is_none())
        .map(|p| p.data.as_slice())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n1,2\r\n\r\n--XyZ--\r\n";

    #[test]
    fn fields_and_files_are_read() {
        assert_eq!(
            boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        let parts = parse(BODY, "XyZ").expect("parses");
        assert_eq!(parts.len(), 2);
        assert_eq!(field(&parts, "csrf_token"), Some(&b"abc"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("staff.csv"));
        assert_eq!(parts[1].data, b"a,b\r\n1,2\r\n");
    }

    #[test]
    fn broken_bodies_are_refused() {
        assert_eq!(parse(b"nothing here", "XyZ"), None);
        assert_eq!(parse(&BODY[..60], "XyZ"), None);
        assert_eq!(parse(b"--XyZ--\r\n", "XyZ"), Some(Vec::new()));
    }
}
