import { useEffect, useState } from 'react';
import FlowEditor from './FlowEditor.jsx';
import ShareView from './ShareView.jsx';

/** The edit page, or a shared run when the URL says ?execution=ID(&token=…). */
export default function App() {
  const [flows, setFlows] = useState(null);
  const [error, setError] = useState(null);
  const params = new URLSearchParams(window.location.search);
  const shared = params.get('execution');

  useEffect(() => {
    let stop = false;
    fetch('/api/flows')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`/api/flows answered ${r.status}`))))
      .then((list) => { if (!stop) setFlows(list); })
      .catch((e) => { if (!stop) setError(e); });
    return () => { stop = true; };
  }, []);

  if (error) return <p className="page-error">Could not load the flows: {error.message}. Is the sample host running?</p>;
  if (!flows) return <p className="loading">Loading flows…</p>;
  if (shared) return <ShareView flows={flows} executionId={Number(shared)} token={params.get('token')} />;
  return <FlowEditor flows={flows} />;
}
