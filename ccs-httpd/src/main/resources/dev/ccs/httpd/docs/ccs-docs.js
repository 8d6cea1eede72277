// The Swagger UI page's own script (served as /api-docs/ccs-docs.js, so that the page's
// Content-Security-Policy allows scripts from the server only, none inline). It fetches the OpenAPI
// document itself: where it answers 401 (authentication on, security.swaggerDocs.public off) it asks
// for a key, keeps it for the tab only (sessionStorage) and sends it as X-API-Key with the document
// and with "Try it out" requests to this server, unless the Authorize dialog set one.
const KEY = "ccs.apiKey";
const form = document.getElementById("ccs-key");
const input = document.getElementById("ccs-key-input");

function ownRequestWithoutCredential(request) {
  const sameOrigin = new URL(request.url, location.href).origin === location.origin;
  const credential = Object.keys(request.headers || {})
      .some((name) => /^(authorization|x-api-key)$/i.test(name));
  return sameOrigin && !credential;
}

function withKey(request) {
  const key = sessionStorage.getItem(KEY);
  if (key && ownRequestWithoutCredential(request)) {
    request.headers["X-API-Key"] = key;
  }
  return request;
}

async function showDocs() {
  const key = sessionStorage.getItem(KEY);
  const answer = await fetch("/api-docs.json", { headers: key ? { "X-API-Key": key } : {} });
  if (answer.status === 401 || answer.status === 403) {
    const refusal = await answer.json().catch(() => ({}));
    sessionStorage.removeItem(KEY);
    document.getElementById("ccs-key-message").textContent = key
        ? "That key was refused: " + (refusal.error || answer.status) + "."
        : "This server asks for an API key before it shows its API. The key stays in this tab only.";
    form.hidden = false;
    input.focus();
    return;
  }
  if (!answer.ok) {
    document.getElementById("swagger-ui").textContent = "The API description could not be loaded: "
        + answer.status;
    return;
  }
  form.hidden = true;
  window.ui = SwaggerUIBundle({
    spec: await answer.json(),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    persistAuthorization: true,
    requestInterceptor: withKey
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, input.value.trim());
  input.value = "";
  showDocs();
});
window.onload = showDocs;
