/** OHIF Viewer configuration served by dicomgate at /viewer/app-config.js (io.dicomgate.browser.BrowserApps). */
(function () {
  // The API is this origin: the viewer only ever calls it with the user's bearer token.
  const dicomweb = window.location.origin + '/dicomweb';
  window.config = {
    name: 'dicomgate',
    routerBasename: '/viewer',
    extensions: [],
    modes: [],
    customizationService: {},
    showStudyList: true,
    maxNumberOfWebWorkers: 3,
    showWarningMessageForCrossOrigin: false,
    showCPUFallbackMessage: true,
    showLoadingIndicator: true,
    strictZSpacingForVolumeViewport: true,
    investigationalUseDialog: { option: 'never' },
    maxNumRequests: { interaction: 100, thumbnail: 5, prefetch: 10 },
    showErrorDetails: 'dev',
    // Authorization code + PKCE (oidc-client-ts); tokens are renewed with the refresh token before
    // they expire, and logout ends the Keycloak session.
    oidc: [
      {
        authority: "@AUTHORITY@",
        client_id: "@CLIENT_ID@",
        response_type: 'code',
        scope: 'openid',
        redirect_uri: '/callback',
        // OHIF mounts its sign-out callback on this path's full pathname; '/' would be '/viewer/', which
        // under the router's basename is the mode route /viewer/viewer and breaks opening studies.
        // Logout itself returns to the page the user left (OHIF's /logout?redirect_uri=…).
        post_logout_redirect_uri: '/signed-out',
        automaticSilentRenew: true,
        revokeAccessTokenOnSignout: true,
      },
    ],
    defaultDataSourceName: 'dicomgate',
    dataSources: [
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
        sourceName: 'dicomgate',
        configuration: {
          friendlyName: 'dicomgate',
          name: 'dicomgate',
          qidoRoot: dicomweb,
          wadoRoot: dicomweb,
          wadoUriRoot: dicomweb,
          qidoSupportsIncludeField: true,
          supportsReject: false,
          supportsStow: false,
          dicomUploadEnabled: false,
          imageRendering: 'wadors',
          // Thumbnails are drawn from the frames (wadors) until dicomgate's /thumbnail is used.
          thumbnailRendering: 'wadors',
          enableStudyLazyLoad: true,
          supportsFuzzyMatching: false,
          supportsWildcard: true,
          staticWado: false,
          singlepart: 'bulkdata,video',
          bulkDataURI: { enabled: true, relativeResolution: 'studies' },
          omitQuotationForMultipartRequest: true,
        },
      },
    ],
  };
})();
