/** Boots the web client: reads the stack's amplify_outputs.json, configures the SDK, renders. */
import '@aws-amplify/ui-react/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { type AmplifyOutputs, createDarkroomClient } from '../../client-sdk/index.ts';
import { App } from './App.tsx';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

fetch(new URL('amplify_outputs.json', document.baseURI))
  .then((response) => {
    if (!response.ok) throw new Error(`amplify_outputs.json: HTTP ${response.status}`);
    return response.json() as Promise<AmplifyOutputs>;
  })
  .then((outputs) => {
    const client = createDarkroomClient(outputs);
    root.render(
      <StrictMode>
        <App client={client} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(<p role="alert">darkroom could not start: {String(error)}</p>);
  });
