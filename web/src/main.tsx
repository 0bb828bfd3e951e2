/**
 * The console starts by reading /config.json (where the API is), then renders. Server
 * state lives in TanStack Query; nothing is stored in the browser.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/client';
import { ApiProblem } from './api/problem';
import { App } from './app/App';
import { loadConfig } from './config';
import { t } from './i18n';
import { SessionProvider } from './session/session';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

async function start() {
  const config = await loadConfig();
  const api = createApi(config.apiUrl);
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; a network failure might.
        retry: (count, error) =>
          count < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <SessionProvider api={api}>
          <App />
        </SessionProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

start().catch(() => {
  root.render(
    <main className="main">
      <h1>{t.common.cannotStart.title}</h1>
      <p>{t.common.cannotStart.body}</p>
    </main>,
  );
});
