//! Every route of the app, with the access it needs. The router is built from
//! this list, the access rule is enforced from it by one middleware, and the
//! role × route × organisation test walks it: a route cannot exist without an
//! access rule, and a test fails if a route is missing from the matrix.
use crate::app::AppState;
use crate::error::AppError;
use crate::visitor::Visitor;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::MethodRouter;
use beacon_core::permission::Capability;

/// Who may use a route. Handlers check again through their extractors; this
/// is the first, uniform line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person acting in an organisation they belong to.
    Member,
    /// A member whose roles there grant the capability.
    Can(Capability),
    /// A sector administrator.
    SectorAdmin,
}

impl Access {
    pub fn allows(self, visitor: &Visitor) -> Result<(), AppError> {
        let Some(who) = &visitor.signed_in else {
            return if self == Access::Public {
                Ok(())
            } else {
                Err(AppError::SignInRequired)
            };
        };
        let allowed = match self {
            Access::Public | Access::SignedIn => true,
            Access::Member => who.current.is_some(),
            Access::Can(capability) => who.standing().can(capability),
            Access::SectorAdmin => who.person.sector_admin,
        };
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// One route: its method, path pattern, access rule and handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

/// What the tests see of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

pub fn route(
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        access,
        handler,
    }
}

/// Every route of every feature.
pub fn all() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(crate::ops::routes());
    routes.extend(crate::public::routes());
    routes.extend(crate::account::routes());
    routes.extend(crate::admin::routes());
    routes.extend(crate::sector::routes());
    routes.extend(crate::ideas::routes());
    routes.extend(crate::participation::routes());
    routes.extend(crate::appraisal::routes());
    routes.extend(crate::panel::routes());
    routes.extend(crate::delivery::routes());
    routes.extend(crate::ideation::routes());
    routes.extend(crate::portfolio::routes());
    routes.extend(crate::profiles::routes());
    routes.extend(crate::vacancies::routes());
    routes.extend(crate::pool::routes());
    routes.extend(crate::journey::routes());
    routes.extend(crate::workforce::routes());
    routes.extend(crate::exchange::routes());
    routes
}

pub fn catalogue() -> Vec<RouteInfo> {
    all()
        .into_iter()
        .map(|r| RouteInfo {
            method: r.method,
            path: r.path,
            access: r.access,
        })
        .collect()
}

async fn enforce(
    State(access): State<Access>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let visitor = request
        .extensions()
        .get::<Visitor>()
        .ok_or_else(|| AppError::Internal("visitor middleware missing".into()))?;
    if let Err(refusal) = access.allows(visitor) {
        if matches!(refusal, AppError::Forbidden) {
            tracing::warn!(path = %request.uri().path(), "refused");
        }
        return Err(refusal);
    }
    Ok(next.run(request).await)
}

pub fn router() -> axum::Router<AppState> {
    let mut router = axum::Router::new();
    for r in all() {
        let guarded = r.handler.route_layer(from_fn_with_state(r.access, enforce));
        router = router.route(r.path, guarded);
    }
    router
}
