//! The peer of the page benchmark: a bare axum server that answers every GET
//! with one fixed HTML page held in memory (a page Beacon rendered, captured
//! by `page-load`), so the two are compared on the same bytes, the same
//! runtime and the same machine. Prints the address it listens on, then
//! serves until it is killed.
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    /// The HTML file to serve.
    #[arg(long)]
    page: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body: &'static str = Box::leak(std::fs::read_to_string(&args.page)?.into_boxed_str());
    let app = Router::new().fallback(move || async move {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    });
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    println!("{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
