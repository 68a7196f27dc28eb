//! The tantivy index: its schema, writing entries, and searching them for a
//! reader. Every search is filtered inside tantivy by the reader's
//! visibility tokens, so a page of results never holds what the reader may
//! not read.
use crate::SearchError;
use crate::document::{Dimension, Document, Kind, PUBLIC_TOKEN, key, org_token};
use crate::query::{FacetCount, Found, Hit, Request, SnippetPart};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, DocSetCollector, FacetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, PhraseQuery, Query,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, OwnedValue, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenStream,
};
use tantivy::{DocAddress, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

/// Bumped when the schema or the analysis changes: an index directory
/// written by another version is rebuilt.
const SCHEMA_VERSION: u32 = 1;
const ANALYZER: &str = "beacon_en";
/// Words a query is cut to; more add noise, not relevance.
const MAX_TERMS: usize = 24;
const SNIPPET_CHARS: usize = 220;
const WRITER_HEAP: usize = 50_000_000;

/// Field boosts: a word in the title says more than one in the tags, the
/// summary or the body, in that order.
const BOOST_TITLE: f32 = 3.0;
const BOOST_TAGS: f32 = 2.0;
const BOOST_SUMMARY: f32 = 1.5;
const BOOST_BODY: f32 = 1.0;
/// Extra weight when the words appear together, in order.
const BOOST_PHRASE: f32 = 2.0;

/// Per council, the commit generation and the `key` terms of its own cases'
/// anonymised publications.
type OwnCases = HashMap<Uuid, (u64, Arc<Vec<Term>>)>;
/// A search's total, page of results and facet counts.
type Ran = (
    usize,
    Vec<(f32, DocAddress)>,
    tantivy::collector::FacetCounts,
);

/// Reports a rebuild's progress: (done, total).
pub type Progress<'a> = dyn FnMut(u64, u64) + Send + 'a;

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    id: Field,
    kind: Field,
    vis: Field,
    owner: Field,
    projects: Field,
    title: Field,
    summary: Field,
    body: Field,
    tags: Field,
    council: Field,
    service_area: Field,
    facet: Field,
    stage: Field,
    outcome: Field,
    evidence: Field,
    year: Field,
    published: Field,
    facets: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        vis: b.add_text_field("vis", STRING),
        owner: b.add_text_field("owner", STRING),
        projects: b.add_text_field("projects", STRING),
        title: b.add_text_field("title", text.clone()),
        summary: b.add_text_field("summary", text.clone()),
        body: b.add_text_field("body", text.clone()),
        tags: b.add_text_field("tags", text),
        council: b.add_text_field("council", STORED),
        service_area: b.add_text_field("service_area", STORED),
        facet: b.add_text_field("facet", STORED),
        stage: b.add_text_field("stage", STORED),
        outcome: b.add_text_field("outcome", STORED),
        evidence: b.add_i64_field("evidence", STORED),
        year: b.add_i64_field("year", STORED),
        published: b.add_i64_field("published", FAST | STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder
            .filter(stop)
            .filter(Stemmer::new(Language::English))
            .build(),
        None => builder.filter(Stemmer::new(Language::English)).build(),
    }
}

fn facet_path(dimension: Dimension, value: &str) -> tantivy::schema::Facet {
    tantivy::schema::Facet::from_path([dimension.key(), &value.replace('\0', "")])
}

/// The search index, shared by every request of a server. Cheap to clone.
#[derive(Clone)]
pub struct Index {
    inner: Arc<Inner>,
}

struct Inner {
    index: tantivy::Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    /// The change-log position the committed index reflects, if it was
    /// ever built.
    seq: Mutex<Option<i64>>,
    /// Bumped at every commit: the cache of own cases below is per generation.
    generation: AtomicU64,
    own_cases: Mutex<OwnCases>,
}

impl Index {
    /// An index in memory, empty and never built.
    // A fresh index in RAM, with a valid fixed heap, has no lock to contend
    // for and no file to read: opening it cannot fail.
    #[allow(clippy::expect_used)]
    pub fn in_memory() -> Index {
        let (schema, fields) = schema();
        Self::from_tantivy(tantivy::Index::create_in_ram(schema), fields, None)
            .expect("an index in memory opens")
    }

    /// The index kept in `dir`, created if missing. An index written with
    /// another schema is emptied, and reports itself as never built.
    pub fn open_dir(dir: &Path) -> Result<Index, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
        let (schema, fields) = schema();
        let opened = tantivy::Index::open_or_create(MmapDirectory::open(dir)?, schema.clone());
        let index = match opened {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                // Another version's index: start afresh.
                for entry in
                    std::fs::read_dir(dir).map_err(|e| SearchError::Directory(e.to_string()))?
                {
                    let path = entry
                        .map_err(|e| SearchError::Directory(e.to_string()))?
                        .path();
                    if path.is_file() {
                        std::fs::remove_file(&path)
                            .map_err(|e| SearchError::Directory(e.to_string()))?;
                    }
                }
                tantivy::Index::open_or_create(MmapDirectory::open(dir)?, schema)?
            }
            Err(e) => return Err(e.into()),
        };
        let seq = index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(parse_payload);
        Self::from_tantivy(index, fields, seq)
    }

    fn from_tantivy(
        index: tantivy::Index,
        fields: Fields,
        seq: Option<i64>,
    ) -> Result<Index, SearchError> {
        index.tokenizers().register(ANALYZER, analyzer());
        let writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Index {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                seq: Mutex::new(seq),
                generation: AtomicU64::new(0),
                own_cases: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The change-log position the index reflects; `None` if never built.
    pub fn seq(&self) -> Option<i64> {
        self.inner.seq.lock().map(|s| *s).unwrap_or(None)
    }

    /// How many entries the index holds.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn to_tantivy(&self, doc: &Document) -> TantivyDocument {
        let f = &self.inner.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, doc.key());
        d.add_text(f.id, doc.id.to_string());
        d.add_text(f.kind, doc.kind.key());
        for token in doc.visibility.tokens() {
            d.add_text(f.vis, token);
        }
        if let Some(owner) = doc.owner {
            d.add_text(f.owner, owner.to_string());
        }
        if let Some(case) = doc.case_ref {
            d.add_text(f.projects, case.to_string());
        }
        d.add_text(f.title, &doc.title);
        d.add_text(f.summary, &doc.summary);
        let body: Vec<&str> = doc
            .sections
            .iter()
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect();
        d.add_text(f.body, body.join("\n\n"));
        d.add_text(f.tags, doc.tags.join(", "));
        if let Some(council) = &doc.council {
            d.add_text(f.council, council);
        }
        d.add_text(f.service_area, &doc.service_area);
        d.add_text(f.facet, &doc.facet);
        d.add_text(f.stage, &doc.stage);
        d.add_text(f.outcome, &doc.outcome);
        d.add_i64(f.evidence, i64::from(doc.evidence_level));
        d.add_i64(f.year, i64::from(doc.year));
        d.add_i64(f.published, doc.published);
        for (dimension, value) in doc.facet_values() {
            d.add_facet(f.facets, facet_path(dimension, &value));
        }
        d
    }

    fn writer(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>, SearchError> {
        self.inner.writer.lock().map_err(|_| SearchError::Poisoned)
    }

    /// Write (or replace) entries and remove others, then commit at `seq`
    /// of the change log, so that readers see the change at once.
    pub fn apply(
        &self,
        upserts: &[Document],
        deletions: &[(Kind, Uuid)],
        seq: Option<i64>,
    ) -> Result<(), SearchError> {
        let f = self.inner.fields;
        let mut writer = self.writer()?;
        for (kind, id) in deletions {
            writer.delete_term(Term::from_field_text(f.key, &key(*kind, *id)));
        }
        for doc in upserts {
            writer.delete_term(Term::from_field_text(f.key, &doc.key()));
            writer.add_document(self.to_tantivy(doc))?;
        }
        self.commit(&mut writer, seq)
    }

    /// Replace the whole index with `docs`, committed at `seq`.
    pub fn replace_all(
        &self,
        docs: impl IntoIterator<Item = Document>,
        seq: i64,
    ) -> Result<u64, SearchError> {
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        let mut n = 0;
        for doc in docs {
            writer.add_document(self.to_tantivy(&doc))?;
            n += 1;
        }
        self.commit(&mut writer, Some(seq))?;
        Ok(n)
    }

    /// Start a rebuild: everything is deleted when the rebuild commits.
    #[cfg(feature = "db")]
    pub(crate) fn begin_rebuild(&self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Add entries to an uncommitted rebuild.
    #[cfg(feature = "db")]
    pub(crate) fn add_uncommitted(&self, docs: &[Document]) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for doc in docs {
            writer.add_document(self.to_tantivy(doc))?;
        }
        Ok(())
    }

    #[cfg(feature = "db")]
    pub(crate) fn commit_at(&self, seq: i64) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        self.commit(&mut writer, Some(seq))
    }

    /// Undo whatever was written since the last commit.
    #[cfg(feature = "db")]
    pub(crate) fn rollback(&self) -> Result<(), SearchError> {
        self.writer()?.rollback()?;
        Ok(())
    }

    fn commit(
        &self,
        writer: &mut IndexWriter<TantivyDocument>,
        seq: Option<i64>,
    ) -> Result<(), SearchError> {
        let seq = seq.or_else(|| self.seq());
        let mut prepared = writer.prepare_commit()?;
        if let Some(seq) = seq {
            prepared.set_payload(&payload(seq));
        }
        prepared.commit()?;
        self.inner.reader.reload()?;
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut s) = self.inner.seq.lock() {
            *s = seq;
        }
        Ok(())
    }

    /// Find cases for `reader_org` (`None` for the public).
    pub fn search(
        &self,
        reader_org: Option<Uuid>,
        request: &Request,
    ) -> Result<Found, SearchError> {
        let searcher = self.inner.reader.searcher();
        let f = self.inner.fields;
        let per_page = request.per_page.clamp(1, 100);
        let offset = request
            .page
            .max(1)
            .saturating_sub(1)
            .saturating_mul(per_page);
        let base = self.readable(reader_org)?;
        let terms = self.terms(&request.text)?;

        let unfiltered: Vec<Dimension> = Dimension::ALL
            .into_iter()
            .filter(|d| !request.filters.contains_key(d))
            .collect();
        // Every word first; if no case holds them all, any of them.
        let mut all_words = true;
        let mut text = self.text_query(&terms, true);
        let (mut total, mut top, mut counts) = self.run(
            &searcher,
            &base,
            text.as_deref(),
            request,
            per_page,
            offset,
            &unfiltered,
        )?;
        if text.is_some() && total == 0 && terms.len() > 1 {
            all_words = false;
            text = self.text_query(&terms, false);
            (total, top, counts) = self.run(
                &searcher,
                &base,
                text.as_deref(),
                request,
                per_page,
                offset,
                &unfiltered,
            )?;
        }

        let mut facets = BTreeMap::new();
        for d in Dimension::ALL {
            let selected = request.filters.get(&d);
            let values: Vec<(String, u64)> = if selected.is_some() {
                // Counts under every other dimension's filters.
                let q = self.combine(&base, text.as_deref(), &request.filters, Some(d));
                let mut fc = FacetCollector::for_field("facets");
                fc.add_facet(&format!("/{}", d.key()));
                let c = searcher.search(&q, &fc)?;
                facet_values(&c, d)
            } else {
                facet_values(&counts, d)
            };
            let mut list: Vec<FacetCount> = values
                .into_iter()
                .map(|(value, count)| FacetCount {
                    selected: selected.is_some_and(|s| s.contains(&value)),
                    value,
                    count,
                })
                .collect();
            // A ticked value stays on the page, so it can be unticked.
            if let Some(selected) = selected {
                for value in selected {
                    if !list.iter().any(|c| &c.value == value) {
                        list.push(FacetCount {
                            value: value.clone(),
                            count: 0,
                            selected: true,
                        });
                    }
                }
            }
            facets.insert(d, list);
        }

        let snippets = match text.as_deref() {
            Some(t) => Some((
                snippet_generator(&searcher, t, f.summary)?,
                snippet_generator(&searcher, t, f.body)?,
            )),
            None => None,
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let snippet = match &snippets {
                Some((summary, body)) => best_snippet(&doc, summary, body, f),
                None => plain_snippet(&doc, f),
            };
            if let Some(hit) = self.hit(&doc, score, snippet) {
                hits.push(hit);
            }
        }
        Ok(Found {
            total,
            hits,
            facets,
            all_words,
        })
    }

    /// One search: its total, a page of results and the facet counts asked
    /// for.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        searcher: &tantivy::Searcher,
        base: &BooleanQuery,
        text: Option<&dyn Query>,
        request: &Request,
        per_page: usize,
        offset: usize,
        dimensions: &[Dimension],
    ) -> Result<Ran, SearchError> {
        let query = self.combine(base, text, &request.filters, None);
        let mut facets = FacetCollector::for_field("facets");
        for d in dimensions {
            facets.add_facet(&format!("/{}", d.key()));
        }
        if text.is_some() {
            let top = TopDocs::with_limit(per_page)
                .and_offset(offset)
                .order_by_score();
            Ok(searcher.search(&query, &(Count, top, facets))?)
        } else {
            let top = TopDocs::with_limit(per_page)
                .and_offset(offset)
                .order_by_fast_field::<i64>("published", Order::Desc);
            let (count, top, counts) = searcher.search(&query, &(Count, top, facets))?;
            let top = top.into_iter().map(|(_, addr)| (0.0f32, addr)).collect();
            Ok((count, top, counts))
        }
    }

    /// The cases most like the entry `id` that `reader_org` may read: the
    /// entry itself (if the reader may read it) and up to `limit` others.
    pub fn similar(
        &self,
        reader_org: Option<Uuid>,
        id: Uuid,
        limit: usize,
    ) -> Result<Option<(Hit, Vec<Hit>)>, SearchError> {
        let searcher = self.inner.reader.searcher();
        let f = self.inner.fields;
        let base = self.readable(reader_org)?;
        let find = BooleanQuery::new(vec![
            (Occur::Must, Box::new(base.clone()) as Box<dyn Query>),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.id, &id.to_string()),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let found = searcher.search(&find, &TopDocs::with_limit(2).order_by_score())?;
        // A council's own case before a publication with the same id.
        let mut source = None;
        for (_, addr) in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let is_case = text(&doc, f.kind) == Kind::Case.key();
            if source.is_none() || is_case {
                source = Some(doc);
            }
        }
        let Some(source) = source else {
            return Ok(None);
        };
        let Some(source_hit) = self.hit(&source, 0.0, plain_snippet(&source, f)) else {
            return Ok(None);
        };
        let values = |field: Field| -> Vec<OwnedValue> {
            vec![OwnedValue::Str(text(&source, field).to_owned())]
        };
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_document_fields(vec![
                (f.title, values(f.title)),
                (f.summary, values(f.summary)),
                (f.body, values(f.body)),
                (f.tags, values(f.tags)),
            ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            (Occur::Must, Box::new(base)),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.key, text(&source, f.key)),
                    IndexRecordOption::Basic,
                )),
            ),
        ];
        // Its own publication is not "similar" to a council's own case.
        if source_hit.kind == Kind::Case {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.projects, &id.to_string()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(limit.clamp(1, 50)).order_by_score(),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(hit) = self.hit(&doc, score, plain_snippet(&doc, f)) {
                hits.push(hit);
            }
        }
        Ok(Some((source_hit, hits)))
    }

    /// What `reader_org` may read, with what it should not be shown twice
    /// taken out: a council reads its own cases as cases, so its own
    /// publications (named or anonymised) are left out for it.
    fn readable(&self, reader_org: Option<Uuid>) -> Result<BooleanQuery, SearchError> {
        let f = self.inner.fields;
        let mut tokens = vec![Term::from_field_text(f.vis, PUBLIC_TOKEN)];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(org) = reader_org {
            tokens.push(Term::from_field_text(f.vis, &org_token(org)));
            clauses.push((
                Occur::MustNot,
                Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.kind, Kind::Publication.key()),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    ),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.owner, &org.to_string()),
                            IndexRecordOption::Basic,
                        )),
                    ),
                ])),
            ));
            let own = self.own_anonymised(org)?;
            if !own.is_empty() {
                clauses.push((
                    Occur::MustNot,
                    Box::new(TermSetQuery::new(own.iter().cloned())),
                ));
            }
        }
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(TermSetQuery::new(tokens)),
                0.0,
            )),
        ));
        Ok(BooleanQuery::new(clauses))
    }

    /// The `key` terms of the entries that show a council's own cases but
    /// are not marked as its own: its anonymised publications, which carry
    /// no owner. Cached until the next commit.
    ///
    /// Only these need a clause of their own in every search (the named
    /// ones go with the owner). A council with thousands of published cases
    /// has few anonymised ones, and a set of thousands of terms in each
    /// search cost more than the search itself.
    fn own_anonymised(&self, org: Uuid) -> Result<Arc<Vec<Term>>, SearchError> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        if let Ok(cache) = self.inner.own_cases.lock()
            && let Some((g, terms)) = cache.get(&org)
            && *g == generation
        {
            return Ok(terms.clone());
        }
        let f = self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let owner = org.to_string();
        let own_cases = BooleanQuery::new(vec![
            (Occur::Must, term(f.kind, Kind::Case.key())),
            (Occur::Must, term(f.owner, &owner)),
        ]);
        let mut case_terms = Vec::new();
        for addr in searcher.search(&own_cases, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            case_terms.push(Term::from_field_text(f.projects, text(&doc, f.id)));
        }
        let mut terms = Vec::new();
        if !case_terms.is_empty() {
            let unmarked = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermSetQuery::new(case_terms)) as Box<dyn Query>,
                ),
                (
                    Occur::MustNot,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, term(f.kind, Kind::Publication.key())),
                        (Occur::Must, term(f.owner, &owner)),
                    ])),
                ),
            ]);
            for addr in searcher.search(&unmarked, &DocSetCollector)? {
                let doc: TantivyDocument = searcher.doc(addr)?;
                terms.push(Term::from_field_text(f.key, text(&doc, f.key)));
            }
        }
        let terms = Arc::new(terms);
        if let Ok(mut cache) = self.inner.own_cases.lock() {
            cache.insert(org, (generation, terms.clone()));
        }
        Ok(terms)
    }

    /// The query's words, analysed as the index analyses text, with their
    /// positions.
    fn terms(&self, text: &str) -> Result<Vec<(usize, String)>, SearchError> {
        let mut analyzer = self
            .inner
            .index
            .tokenizer_for_field(self.inner.fields.title)?;
        let mut stream = analyzer.token_stream(text);
        let mut out: Vec<(usize, String)> = Vec::new();
        while stream.advance() {
            let token = stream.token();
            if out.len() >= MAX_TERMS {
                break;
            }
            out.push((token.position, token.text.clone()));
        }
        Ok(out)
    }

    /// Each word in any of the text fields (all words, or any), ranked with
    /// the fields' boosts, and higher still when the words come together.
    fn text_query(&self, terms: &[(usize, String)], all: bool) -> Option<Box<dyn Query>> {
        if terms.is_empty() {
            return None;
        }
        let f = self.inner.fields;
        let weighted = [
            (f.title, BOOST_TITLE),
            (f.tags, BOOST_TAGS),
            (f.summary, BOOST_SUMMARY),
            (f.body, BOOST_BODY),
        ];
        let mut seen = std::collections::HashSet::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (_, word) in terms {
            if !seen.insert(word.clone()) {
                continue;
            }
            let per_field: Vec<(Occur, Box<dyn Query>)> = weighted
                .iter()
                .map(|(field, boost)| {
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(*field, word),
                            IndexRecordOption::WithFreqs,
                        )),
                        *boost,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((
                if all { Occur::Must } else { Occur::Should },
                Box::new(BooleanQuery::new(per_field)),
            ));
        }
        if terms.len() > 1 {
            for field in [f.title, f.summary, f.body] {
                let first = terms[0].0;
                let phrase = PhraseQuery::new_with_offset(
                    terms
                        .iter()
                        .map(|(pos, w)| (pos - first, Term::from_field_text(field, w)))
                        .collect(),
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(phrase), BOOST_PHRASE)),
                ));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The whole query: readable, the text, and the facet filters (leaving
    /// out one dimension's, for its own counts).
    fn combine(
        &self,
        readable: &BooleanQuery,
        text: Option<&dyn Query>,
        filters: &crate::query::Filters,
        except: Option<Dimension>,
    ) -> BooleanQuery {
        let f = self.inner.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(readable.clone()))];
        if let Some(t) = text {
            clauses.push((Occur::Must, t.box_clone()));
        }
        for (dimension, values) in filters {
            if Some(*dimension) == except || values.is_empty() {
                continue;
            }
            let terms = values
                .iter()
                .map(|v| Term::from_facet(f.facets, &facet_path(*dimension, v)));
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermSetQuery::new(terms)),
                    0.0,
                )),
            ));
        }
        BooleanQuery::new(clauses)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, snippet: Vec<SnippetPart>) -> Option<Hit> {
        let f = self.inner.fields;
        let council = text(doc, f.council);
        Some(Hit {
            kind: Kind::parse(text(doc, f.kind))?,
            id: text(doc, f.id).parse().ok()?,
            title: text(doc, f.title).to_owned(),
            council: (!council.is_empty()).then(|| council.to_owned()),
            service_area: text(doc, f.service_area).to_owned(),
            facet: text(doc, f.facet).to_owned(),
            stage: text(doc, f.stage).to_owned(),
            outcome: text(doc, f.outcome).to_owned(),
            evidence_level: i16::try_from(number(doc, f.evidence)).unwrap_or(0),
            year: i32::try_from(number(doc, f.year)).unwrap_or(0),
            snippet,
            score,
        })
    }
}

fn payload(seq: i64) -> String {
    format!("beacon-search v{SCHEMA_VERSION} seq={seq}")
}

fn parse_payload(payload: &str) -> Option<i64> {
    let rest = payload.strip_prefix(&format!("beacon-search v{SCHEMA_VERSION} seq="))?;
    rest.parse().ok()
}

fn text(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn number(doc: &TantivyDocument, field: Field) -> i64 {
    doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0)
}

fn facet_values(counts: &tantivy::collector::FacetCounts, d: Dimension) -> Vec<(String, u64)> {
    counts
        .get(&format!("/{}", d.key()))
        .filter_map(|(facet, count)| facet.to_path().get(1).map(|v| ((*v).to_owned(), count)))
        .collect()
}

fn snippet_generator(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator, SearchError> {
    let mut generator = SnippetGenerator::create(searcher, query, field)?;
    generator.set_max_num_chars(SNIPPET_CHARS);
    Ok(generator)
}

/// The snippet of the summary or the body with more of the words in it.
fn best_snippet(
    doc: &TantivyDocument,
    summary: &SnippetGenerator,
    body: &SnippetGenerator,
    f: Fields,
) -> Vec<SnippetPart> {
    let s = summary.snippet(text(doc, f.summary));
    let b = body.snippet(text(doc, f.body));
    let best = if b.highlighted().len() > s.highlighted().len() {
        b
    } else {
        s
    };
    if best.highlighted().is_empty() {
        return plain_snippet(doc, f);
    }
    let fragment = best.fragment();
    let mut parts = Vec::new();
    let mut at = 0;
    for range in best.highlighted() {
        if range.start > at
            && let Some(t) = fragment.get(at..range.start)
        {
            parts.push(SnippetPart {
                text: t.to_owned(),
                highlighted: false,
            });
        }
        if let Some(t) = fragment.get(range.clone()) {
            parts.push(SnippetPart {
                text: t.to_owned(),
                highlighted: true,
            });
        }
        at = range.end;
    }
    if let Some(t) = fragment.get(at..)
        && !t.is_empty()
    {
        parts.push(SnippetPart {
            text: t.to_owned(),
            highlighted: false,
        });
    }
    parts
}

/// The start of the summary, cut at a word.
fn plain_snippet(doc: &TantivyDocument, f: Fields) -> Vec<SnippetPart> {
    let summary = text(doc, f.summary);
    let mut out = String::new();
    for word in summary.split_whitespace() {
        if out.len() + word.len() > SNIPPET_CHARS {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    vec![SnippetPart {
        text: out,
        highlighted: false,
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::Visibility;
    use crate::query::Filters;

    fn doc(kind: Kind, title: &str, owner: Option<Uuid>, vis: Visibility) -> Document {
        Document {
            kind,
            id: Uuid::new_v4(),
            case_ref: None,
            owner,
            council: owner.map(|_| "Northmere".to_owned()),
            visibility: vis,
            title: title.to_owned(),
            summary: format!("{title}: what we did and what we learned."),
            sections: vec!["Context of the work.".to_owned()],
            tags: vec!["workforce".to_owned()],
            service_area: "housing".to_owned(),
            facet: "adaptive".to_owned(),
            stage: "implementing".to_owned(),
            outcome: "adopted".to_owned(),
            evidence_level: 2,
            year: 2024,
            published: 1_700_000_000,
        }
    }

    fn titles(found: &Found) -> Vec<String> {
        found.hits.iter().map(|h| h.title.clone()).collect()
    }

    #[test]
    fn a_reader_finds_only_what_its_tokens_allow() {
        let index = Index::in_memory();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        index
            .apply(
                &[
                    doc(
                        Kind::Publication,
                        "Public library lockers",
                        Some(a),
                        Visibility::Public,
                    ),
                    doc(
                        Kind::Publication,
                        "Partners library lockers",
                        Some(a),
                        Visibility::Councils(vec![b]),
                    ),
                    doc(
                        Kind::Case,
                        "Internal library lockers",
                        Some(a),
                        Visibility::Councils(vec![a]),
                    ),
                ],
                &[],
                Some(1),
            )
            .unwrap();
        let request = Request {
            text: "library lockers".into(),
            page: 1,
            per_page: 10,
            ..Request::default()
        };
        let mut public = titles(&index.search(None, &request).unwrap());
        public.sort();
        assert_eq!(public, vec!["Public library lockers"]);
        let mut partner = titles(&index.search(Some(b), &request).unwrap());
        partner.sort();
        assert_eq!(
            partner,
            vec!["Partners library lockers", "Public library lockers"]
        );
        // The owner sees its own case, not its own publications again.
        assert_eq!(
            titles(&index.search(Some(a), &request).unwrap()),
            vec!["Internal library lockers"]
        );
        assert_eq!(
            index.search(Some(Uuid::new_v4()), &request).unwrap().total,
            1
        );
    }

    #[test]
    fn facets_count_and_filter() {
        let index = Index::in_memory();
        let mut one = doc(
            Kind::Publication,
            "Shared HR service",
            Some(Uuid::new_v4()),
            Visibility::Public,
        );
        one.service_area = "corporate_services".into();
        let two = doc(
            Kind::Publication,
            "Shared housing service",
            Some(Uuid::new_v4()),
            Visibility::Public,
        );
        index.apply(&[one, two], &[], Some(1)).unwrap();
        let mut request = Request {
            text: "shared service".into(),
            page: 1,
            per_page: 10,
            ..Request::default()
        };
        let found = index.search(None, &request).unwrap();
        assert_eq!(found.total, 2);
        let areas = &found.facets[&Dimension::Area];
        assert_eq!(areas.len(), 2);
        let mut filters = Filters::new();
        filters.insert(Dimension::Area, ["housing".to_owned()].into());
        request.filters = filters;
        let found = index.search(None, &request).unwrap();
        assert_eq!(titles(&found), vec!["Shared housing service"]);
        // The area's own counts ignore its own filter, so the other stays offered.
        let areas = &found.facets[&Dimension::Area];
        assert!(
            areas
                .iter()
                .any(|c| c.value == "corporate_services" && c.count == 1 && !c.selected)
        );
        assert!(areas.iter().any(|c| c.value == "housing" && c.selected));
    }

    #[test]
    fn no_result_with_every_word_falls_back_to_any() {
        let index = Index::in_memory();
        index
            .apply(
                &[doc(
                    Kind::Publication,
                    "Internal jobs market",
                    None,
                    Visibility::Public,
                )],
                &[],
                Some(1),
            )
            .unwrap();
        let found = index
            .search(
                None,
                &Request {
                    text: "jobs zebra".into(),
                    page: 1,
                    per_page: 10,
                    ..Request::default()
                },
            )
            .unwrap();
        assert!(!found.all_words);
        assert_eq!(found.total, 1);
        assert!(found.hits[0].snippet.iter().any(|p| p.highlighted));
    }

    #[test]
    fn payload_round_trips() {
        assert_eq!(parse_payload(&payload(42)), Some(42));
        assert_eq!(parse_payload("beacon-search v0 seq=1"), None);
    }
}
