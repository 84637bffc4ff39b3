/** Rule documentation pages are bundled as text (esbuild `loader: { '.md': 'text' }`). */
declare module '*.md' {
  const markdown: string;
  export default markdown;
}
