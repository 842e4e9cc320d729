// The query editor: YASGUI on this server's /sparql endpoint, with the bundled queries as
// examples. Nothing here or in YASGUI is fetched from elsewhere: the autocompleters that
// would ask Linked Open Vocabularies are switched off, the endpoint list holds only /sparql.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-queries").textContent);
  const endpoint = new URL(data.endpoint, window.location.href).href;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null, // start from what this page was opened with, not a stored session
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    yasqe: { autocompleters: ["variables", "prefixes"], value: data.initial.text },
    yasr: { prefixes: {} },
    tabName: data.initial.name,
  });
  window.kgYasgui = yasgui;

  function show(name) {
    const tab = yasgui.addTab(true, { name: name });
    tab.setQuery(data.queries[name]);
  }
  document.querySelectorAll("#examples button[data-query]").forEach((button) => {
    button.addEventListener("click", () => show(button.dataset.query));
  });
  document.body.dataset.ready = "1";
})();
